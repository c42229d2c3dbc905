/** Tick arithmetic belongs to the instrument (shared/symbols/tick); kept here so existing imports still work. */
export * from '../symbols/tick';
