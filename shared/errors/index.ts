export * from './app-error';
export * from './request.errors';
export * from './access.errors';
export * from './refusal.errors';
export * from './broker.errors';
export * from './dependency.errors';
