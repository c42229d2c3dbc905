/**
 * An in-process Secret Manager for tests. Google ships no Secret Manager emulator, so this gRPC server
 * is built from the very protos the client library ships and answers with real gRPC status codes.
 * Connect the real client with:
 *   new SecretManagerServiceClient({ apiEndpoint: '127.0.0.1', port: fake.port, sslCreds: grpc.credentials.createInsecure() })
 * Passing `sslCreds` is also what keeps google-gax from looking for Google credentials.
 */
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

interface Version {
  n: number;
  data: Buffer;
  state: 'ENABLED' | 'DISABLED' | 'DESTROYED';
  createTime: { seconds: string; nanos: number };
}

export interface FakeSecretManager {
  port: number;
  /** Creates the secret if needed and adds a version holding `value`; returns the version number. */
  put(project: string, secret: string, value: string): number;
  disable(project: string, secret: string, version: number): void;
  /** Makes the next `count` AccessSecretVersion calls fail with `code` (e.g. UNAVAILABLE). */
  failNext(code: grpc.status, count?: number): void;
  /** Leaves the next `count` AccessSecretVersion calls unanswered, as a server that hangs would. */
  stallNext(count?: number): void;
  /** AccessSecretVersion calls seen, by resource name, so tests can prove caching. */
  accessLog: string[];
  close(): Promise<void>;
}

type Call<Req> = grpc.ServerUnaryCall<Req, unknown>;
type Done = grpc.sendUnaryData<unknown>;

const protoRoots = () => {
  const smRoot = path.join(path.dirname(require.resolve('@google-cloud/secret-manager/package.json')), 'build', 'protos');
  // google-gax has an exports map without package.json; its entry point is build/src/index.js.
  const gaxRoot = path.join(path.dirname(require.resolve('google-gax')), '..', 'protos');
  return { smRoot, gaxRoot };
};

const rpcError = (code: grpc.status, details: string) => Object.assign(new Error(details), { code, details });

export async function startFakeSecretManager(): Promise<FakeSecretManager> {
  const { smRoot, gaxRoot } = protoRoots();
  const def = protoLoader.loadSync('google/cloud/secretmanager/v1/service.proto', {
    includeDirs: [smRoot, gaxRoot],
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const pkg = grpc.loadPackageDefinition(def) as unknown as {
    google: { cloud: { secretmanager: { v1: { SecretManagerService: grpc.ServiceClientConstructor } } } };
  };
  const service = pkg.google.cloud.secretmanager.v1.SecretManagerService.service;

  const secrets = new Map<string, Version[]>();
  const accessLog: string[] = [];
  let failures: { code: grpc.status; left: number } | undefined;
  let stalls = 0;

  const now = () => ({ seconds: String(Math.floor(Date.now() / 1000)), nanos: 0 });
  const versionResource = (secretName: string, v: Version) => ({ name: `${secretName}/versions/${v.n}`, state: v.state, createTime: v.createTime });

  const addVersion = (secretName: string, data: Buffer) => {
    const versions = secrets.get(secretName)!;
    const v: Version = { n: versions.length + 1, data, state: 'ENABLED', createTime: now() };
    versions.push(v);
    return v;
  };

  const impl: grpc.UntypedServiceImplementation = {
    CreateSecret(call: Call<{ parent: string; secretId: string }>, done: Done) {
      const name = `${call.request.parent}/secrets/${call.request.secretId}`;
      if (secrets.has(name)) return done(rpcError(grpc.status.ALREADY_EXISTS, `Secret [${name}] already exists.`));
      secrets.set(name, []);
      done(null, { name, createTime: now(), replication: { automatic: {} } });
    },
    AddSecretVersion(call: Call<{ parent: string; payload?: { data?: Buffer } }>, done: Done) {
      if (!secrets.has(call.request.parent)) return done(rpcError(grpc.status.NOT_FOUND, `Secret [${call.request.parent}] not found.`));
      const v = addVersion(call.request.parent, Buffer.from(call.request.payload?.data ?? Buffer.alloc(0)));
      done(null, versionResource(call.request.parent, v));
    },
    AccessSecretVersion(call: Call<{ name: string }>, done: Done) {
      const name = call.request.name;
      accessLog.push(name);
      if (stalls > 0) {
        stalls--;
        return; // never answered: the client's deadline ends the call
      }
      if (failures && failures.left > 0) {
        failures.left--;
        return done(rpcError(failures.code, 'injected failure'));
      }
      const m = /^(projects\/[^/]+\/secrets\/[^/]+)\/versions\/([^/]+)$/.exec(name);
      if (!m) return done(rpcError(grpc.status.INVALID_ARGUMENT, `Invalid resource field value in the request.`));
      const versions = secrets.get(m[1]!);
      if (!versions) return done(rpcError(grpc.status.NOT_FOUND, `Secret [${m[1]}] not found or has no versions.`));
      const v = m[2] === 'latest' ? versions.at(-1) : versions.find((x) => String(x.n) === m[2]);
      if (!v) return done(rpcError(grpc.status.NOT_FOUND, `Secret Version [${name}] not found.`));
      if (v.state !== 'ENABLED') return done(rpcError(grpc.status.FAILED_PRECONDITION, `Secret Version [${name}] is in ${v.state} state.`));
      done(null, { name: `${m[1]}/versions/${v.n}`, payload: { data: v.data } });
    },
  };

  const server = new grpc.Server();
  // Anything not implemented answers UNIMPLEMENTED, as a real server would for an unknown method.
  server.addService(service, impl);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );

  const secretName = (project: string, secret: string) => `projects/${project}/secrets/${secret}`;
  return {
    port,
    accessLog,
    put(project, secret, value) {
      const name = secretName(project, secret);
      if (!secrets.has(name)) secrets.set(name, []);
      return addVersion(name, Buffer.from(value, 'utf8')).n;
    },
    disable(project, secret, version) {
      const v = secrets.get(secretName(project, secret))?.find((x) => x.n === version);
      if (!v) throw new Error(`no version ${version} of ${secret}`);
      v.state = 'DISABLED';
    },
    failNext(code, count = 1) {
      failures = { code, left: count };
    },
    stallNext(count = 1) {
      stalls = count;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
        // Idle client channels can keep tryShutdown waiting; force it shortly after.
        setTimeout(() => server.forceShutdown(), 200).unref();
      }),
  };
}
