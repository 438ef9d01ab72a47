// A stand-in for an EventStoreDB cluster that speaks the server's gRPC protocol, built from the message and service
// definitions the client ships (`@eventstore/db-client/generated`), so the adapter is tested through the real client
// against the server's documented behaviour. References are to the server's source (github.com/EventStore/EventStore,
// v24.10, `src/EventStore.Core/Services/Transport/Grpc/…`) and documentation (developers.eventstore.com, "Server").
// What it does not model is listed in the README: disk, replication lag, elections by vote, scavenging, deletes,
// persistent subscriptions, projections other than `$by_category`, and the HTTP API.
import { spawnSync } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import gossipGrpc from '@eventstore/db-client/generated/gossip_grpc_pb.js';
import gossipPb from '@eventstore/db-client/generated/gossip_pb.js';
import serverFeaturesGrpc from '@eventstore/db-client/generated/serverfeatures_grpc_pb.js';
import serverFeaturesPb from '@eventstore/db-client/generated/serverfeatures_pb.js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import statusPb from '@eventstore/db-client/generated/status_pb.js';
import streamsGrpc from '@eventstore/db-client/generated/streams_grpc_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import type { AppendReq, BatchAppendReq, BatchAppendResp, ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb.js';
import anyPb from 'google-protobuf/google/protobuf/any_pb.js';
import emptyPb from 'google-protobuf/google/protobuf/empty_pb.js';
import { ReplicatedLog, type AppendOutcome, type Expectation, type LogRecord, type ProposedEvent, type RecentEventIds } from './replicated-log.js';

export interface TestUser {
  readonly login: string;
  readonly password: string;
  /** `$admins` and `$ops` may read `$all` and system streams; any other user only user streams. */
  readonly groups: readonly string[];
}

export interface EventStoreDbTestClusterOptions {
  /** Nodes in the cluster, each its own gRPC server sharing one log; 1 by default. */
  readonly nodes?: number;
  /**
   * TLS with certificates made for the run, and access control: anonymous calls are refused, as 24.10 does by default
   * (`AllowAnonymousStreamAccess` false since 23.10). Off, the cluster runs as `--insecure` does: no TLS and no
   * access control at all (documentation, "Security: insecure mode").
   */
  readonly secure?: boolean;
  /** The `$by_category` system projection's link events in `$all`; on by default. */
  readonly linkByCategory?: boolean;
  /** Users beside the defaults `admin` (`$admins`) and `ops` (`$ops`), both with the password `changeit`. */
  readonly users?: readonly TestUser[];
}

export const DEFAULT_ADMIN = { login: 'admin', password: 'changeit' } as const;

/**
 * Kestrel's `Http2Limits.MaxStreamsPerConnection`, which the server leaves at its default of 100: the client sends
 * every call over one connection, so a 101st call open at once waits for one of the others to end.
 */
const MAX_STREAMS_PER_CONNECTION = 100;
/** With a filter's window given as `count`, the server searches 32 events per window (`Streams.Read.cs`). */
const DEFAULT_MAX_SEARCH_WINDOW = 32;
const SERVER_VERSION = '24.10.0';
const CALLS_CLOSE_TIMEOUT_MS = 5_000;

export type CallKind = 'read' | 'subscription' | 'append' | 'batch append';

const { ReadResp: ReadRespMessage, AppendResp, BatchAppendResp: BatchAppendRespMessage } = streamsPb;
type RecordedEventMessage = InstanceType<typeof ReadRespMessage.ReadEvent.RecordedEvent>;

interface ServiceErrorLike {
  code: grpc.status;
  details: string;
  metadata: grpc.Metadata;
}

function serviceError(code: grpc.status, details: string, exception?: Record<string, string>): ServiceErrorLike {
  const metadata = new grpc.Metadata();
  for (const [key, value] of Object.entries(exception ?? {})) metadata.set(key, value);
  return { code, details, metadata };
}

/** `RpcExceptions.AccessDenied`: PERMISSION_DENIED with the exception named in the trailers. */
const accessDenied = () => serviceError(grpc.status.PERMISSION_DENIED, 'Access Denied', { exception: 'access-denied' });
/** `RpcExceptions.LeaderInfo`: NOT_FOUND, with where the leader is in the trailers. */
const notLeader = (leader: EventStoreDbTestNode) =>
  serviceError(grpc.status.NOT_FOUND, 'Leader info available', {
    exception: 'not-leader',
    'leader-endpoint-host': '127.0.0.1',
    'leader-endpoint-port': String(leader.port),
  });
/** `RpcExceptions.ServerNotReady`. */
const serverNotReady = () => serviceError(grpc.status.UNAVAILABLE, 'Server Is Not Ready');

class CallRefused extends Error {
  constructor(readonly error: ServiceErrorLike) {
    super(error.details);
  }
}

export class EventStoreDbTestCluster {
  readonly log: ReplicatedLog;
  readonly nodes: EventStoreDbTestNode[] = [];
  private readonly users: readonly TestUser[];
  private readonly certificates: { directory: string; ca: Buffer; key: Buffer; certificate: Buffer } | undefined;

  private constructor(options: EventStoreDbTestClusterOptions) {
    this.log = new ReplicatedLog({ linkByCategory: options.linkByCategory ?? true });
    this.users = [
      { ...DEFAULT_ADMIN, groups: ['$admins'] },
      { login: 'ops', password: 'changeit', groups: ['$ops'] },
      ...(options.users ?? []),
    ];
    this.certificates = options.secure ? certificatesOfThisProcess() : undefined;
  }

  static async start(options: EventStoreDbTestClusterOptions = {}): Promise<EventStoreDbTestCluster> {
    const cluster = new EventStoreDbTestCluster(options);
    for (let index = 0; index < (options.nodes ?? 1); index += 1) {
      const node = new EventStoreDbTestNode(cluster);
      cluster.nodes.push(node);
      await node.start();
    }
    cluster.electLeader();
    return cluster;
  }

  get secure(): boolean {
    return this.certificates !== undefined;
  }

  get leader(): EventStoreDbTestNode | undefined {
    return this.nodes.find((node) => node.isLeader);
  }

  /**
   * Every node as a gossip seed (`esdb://a:1,b:2?…`: the client asks each for the cluster and picks the leader), with
   * the credentials (none for `null`) and the CA that signed the nodes' certificates when secure.
   */
  connectionString(user: { readonly login: string; readonly password: string } | null = DEFAULT_ADMIN): string {
    const hosts = this.nodes.map((node) => `127.0.0.1:${node.port}`).join(',');
    if (!this.certificates) return `esdb://${hosts}?tls=false`;
    const credentials = user ? `${encodeURIComponent(user.login)}:${encodeURIComponent(user.password)}@` : '';
    return `esdb://${credentials}${hosts}?tls=true&tlsCAFile=${encodeURIComponent(join(this.certificates.directory, 'ca.crt'))}`;
  }

  /** The running node given, or the first running one, leads; every other node follows. */
  electLeader(node?: EventStoreDbTestNode): EventStoreDbTestNode {
    const chosen = node ?? this.nodes.find((candidate) => candidate.running);
    if (!chosen?.running) throw new Error('no running node to lead');
    for (const other of this.nodes) other.isLeader = other === chosen;
    // A new leader starts with an empty cache of recent event ids.
    chosen.recentEventIds.clear();
    return chosen;
  }

  /** The leader goes away: its calls end and nothing leads until `electLeader` (gossip shows followers only). */
  async stopLeader(): Promise<EventStoreDbTestNode> {
    const leader = this.leader;
    if (!leader) throw new Error('no leader to stop');
    leader.isLeader = false;
    await leader.stop();
    return leader;
  }

  /** What is open now on every node: reads, subscriptions and append streams the clients have not ended. */
  openCalls(): CallKind[] {
    return this.nodes.flatMap((node) => [...node.openCalls.values()]);
  }

  /**
   * Resolves once no call is open but those of a kind in `except` (a client keeps one batch-append stream for its
   * life); fails, naming them, when others stay open past `timeoutMs`.
   */
  async untilNoOpenCalls({ except = [], timeoutMs = CALLS_CLOSE_TIMEOUT_MS }: { except?: readonly CallKind[]; timeoutMs?: number } = {}): Promise<void> {
    const deadline = AbortSignal.timeout(timeoutMs);
    const open = () => this.openCalls().filter((kind) => !except.includes(kind));
    while (open().length > 0) {
      try {
        await Promise.race(this.nodes.map((node) => once(node.callEnded, 'ended', { signal: deadline })));
      } catch {
        if (open().length > 0) throw new Error(`${open().length} calls still open after ${timeoutMs} ms: ${open().join(', ')}`);
      }
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.stop()));
  }

  authenticate(metadata: grpc.Metadata): TestUser | 'anonymous' {
    const header = metadata.get('authorization')[0];
    if (typeof header !== 'string' || !header.startsWith('Basic ')) return 'anonymous';
    const [login, ...rest] = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8').split(':');
    const user = this.users.find((candidate) => candidate.login === login && candidate.password === rest.join(':'));
    if (!user) throw new CallRefused(serviceError(grpc.status.UNAUTHENTICATED, 'Bad credentials'));
    return user;
  }

  /**
   * The default access control lists (documentation, "Access control lists"): user streams are open to every
   * authenticated user, system streams and `$all` to `$admins` (and `$all` to `$ops` for reading); anonymous callers
   * get nothing.
   */
  mayAccess(user: TestUser | 'anonymous', stream: string, operation: 'read' | 'write'): boolean {
    if (!this.secure) return true;
    if (user === 'anonymous') return false;
    if (user.groups.includes('$admins')) return true;
    if (stream === '$all') return operation === 'read' && user.groups.includes('$ops');
    return !stream.startsWith('$');
  }

  serverCredentials(): grpc.ServerCredentials {
    if (!this.certificates) return grpc.ServerCredentials.createInsecure();
    const { ca, key, certificate } = this.certificates;
    return grpc.ServerCredentials.createSsl(ca, [{ private_key: key, cert_chain: certificate }], false);
  }
}

export class EventStoreDbTestNode {
  port = 0;
  running = false;
  isLeader = false;
  /** The leader's cache of event ids it wrote (`IndexWriter`'s committed-events cache). */
  readonly recentEventIds: RecentEventIds = new Map();
  /** Calls open now, by a number, with what they are. */
  readonly openCalls = new Map<number, CallKind>();
  /** Emits `ended` whenever a call ends. */
  readonly callEnded = new EventEmitter();
  /** Subscriptions ever started on this node: a resubscription shows here. */
  subscriptionsStarted = 0;
  /** Off, the node answers every call as not ready (`NotHandled.NotReady`), as while it starts or catches up. */
  ready = true;
  /** On, appends are written but never answered: the leader dies between committing and replying. */
  withholdAppendAnswers = false;
  /** Open subscriptions, each with what stops its loop. */
  private readonly subscriptionCalls = new Map<grpc.ServerWritableStream<ReadReq, ReadResp>, AbortController>();
  private server: grpc.Server | undefined;
  private nextCallNumber = 0;

  constructor(private readonly cluster: EventStoreDbTestCluster) {}

  async start(): Promise<void> {
    const server = new grpc.Server({ 'grpc.max_concurrent_streams': MAX_STREAMS_PER_CONNECTION });
    server.addService(streamsGrpc.StreamsService, {
      read: (call: grpc.ServerWritableStream<ReadReq, ReadResp>) => void this.read(call),
      append: (call: grpc.ServerReadableStream<AppendReq, InstanceType<typeof AppendResp>>, callback: grpc.sendUnaryData<InstanceType<typeof AppendResp>>) =>
        void this.append(call, callback),
      batchAppend: (call: grpc.ServerDuplexStream<BatchAppendReq, BatchAppendResp>) => this.batchAppend(call),
    });
    server.addService(gossipGrpc.GossipService, {
      read: (_call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<InstanceType<typeof gossipPb.ClusterInfo>>) =>
        callback(null, this.clusterInfo()),
    });
    server.addService(serverFeaturesGrpc.ServerFeaturesService, {
      getSupportedMethods: (
        _call: grpc.ServerUnaryCall<unknown, unknown>,
        callback: grpc.sendUnaryData<InstanceType<typeof serverFeaturesPb.SupportedMethods>>,
      ) => callback(null, supportedMethods()),
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`127.0.0.1:${this.port}`, this.cluster.serverCredentials(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    this.port = port;
    this.server = server;
    this.running = true;
  }

  /** The node goes away at once, as a killed process does: open calls are cut, the port refuses connections. */
  async stop(): Promise<void> {
    const server = this.server;
    this.running = false;
    this.server = undefined;
    if (!server) return;
    // Destroying the HTTP/2 sessions in the turn where a client's cancel of one of their streams is still being
    // handled aborted Node 20 (std::bad_alloc in a test run): let that turn end first.
    await new Promise((resolve) => setImmediate(resolve));
    server.forceShutdown();
    this.openCalls.clear();
    this.callEnded.emit('ended');
  }

  /** The server cancels its long-running calls, as it does to subscriptions when it steps down or shuts down. */
  cancelSubscriptions(): void {
    for (const [call, stop] of this.subscriptionCalls) {
      stop.abort();
      call.emit('error', serviceError(grpc.status.CANCELLED, 'Subscription cancelled by the server'));
    }
  }

  private track(call: EventEmitter, what: CallKind): { readonly stop: AbortController; readonly signal: AbortSignal; end(): void } {
    const number = (this.nextCallNumber += 1);
    const cancelled = new AbortController();
    this.openCalls.set(number, what);
    const end = () => {
      if (!this.openCalls.delete(number)) return;
      this.callEnded.emit('ended');
    };
    call.on('cancelled', () => {
      cancelled.abort();
      end();
    });
    return { stop: cancelled, signal: cancelled.signal, end };
  }

  /** Requests that ask for the leader, on a node that is not, are told where it is (`RpcExceptions.LeaderInfo`);
   * with no leader at all the node is not ready (`NotHandled.NotReady`). */
  private checkLeader(metadata: grpc.Metadata): void {
    if (!this.ready) throw new CallRefused(serverNotReady());
    if (this.isLeader || metadata.get('requires-leader')[0] !== 'true') return;
    const leader = this.cluster.leader;
    throw new CallRefused(leader ? notLeader(leader) : serverNotReady());
  }

  private async read(call: grpc.ServerWritableStream<ReadReq, ReadResp>): Promise<void> {
    const options = call.request.getOptions();
    const subscription = options?.hasSubscription() ?? false;
    const tracked = this.track(call, subscription ? 'subscription' : 'read');
    try {
      if (!options) throw new CallRefused(serviceError(grpc.status.INVALID_ARGUMENT, 'options are required'));
      this.checkLeader(call.metadata);
      const user = this.cluster.authenticate(call.metadata);
      const streamName = options.hasStream() ? streamNameOf(options.getStream()?.getStreamIdentifier()) : '$all';
      if (!this.cluster.mayAccess(user, streamName, 'read')) throw new CallRefused(accessDenied());
      const reader = new ResponseWriter(call, tracked.signal, options.getUuidOption()?.hasStructured() ?? false, this.cluster.log);
      if (subscription) {
        this.subscriptionsStarted += 1;
        this.subscriptionCalls.set(call, tracked.stop);
        await this.subscribeToAll(reader, options, tracked.signal);
      } else if (options.hasStream()) await this.readStream(reader, options, streamName);
      else await this.readAll(reader, options);
      if (!tracked.signal.aborted) call.end();
    } catch (error) {
      if (!tracked.signal.aborted) call.emit('error', error instanceof CallRefused ? error.error : serviceError(grpc.status.INTERNAL, String(error)));
    } finally {
      this.subscriptionCalls.delete(call);
      tracked.end();
    }
  }

  /** `Enumerators.ReadStreamForwards`/`Backwards`: from a revision inclusively either way; a missing stream answers
   * `stream_not_found`. */
  private async readStream(writer: ResponseWriter, options: ReadReq.Options, stream: string): Promise<void> {
    const records = this.cluster.log.streamRecords(stream);
    if (!records) {
      const notFound = new ReadRespMessage.StreamNotFound();
      notFound.setStreamIdentifier(streamIdentifier(stream));
      const response = new ReadRespMessage();
      response.setStreamNotFound(notFound);
      await writer.send(response);
      return;
    }
    const revisionOption = options.getStream();
    const backwards = options.getReadDirection() === streamsPb.ReadReq.Options.ReadDirection.BACKWARDS;
    let count = Number(options.getCount());
    const last = records.length - 1;
    let revision: number;
    if (revisionOption?.hasRevision()) revision = Number(revisionOption.getRevision());
    else if (revisionOption?.hasEnd()) revision = backwards ? last : records.length;
    else revision = backwards ? last : 0;
    if (backwards) revision = Math.min(revision, last);
    while (count > 0 && revision >= 0 && revision <= last && !writer.cancelled) {
      const record = records[revision];
      if (record) await writer.sendEvent(record, options.getResolveLinks());
      revision += backwards ? -1 : 1;
      count -= 1;
    }
  }

  /** `Enumerators.ReadAllForwards` includes the record at its start position; `ReadAllBackwards` starts before it. */
  private async readAll(writer: ResponseWriter, options: ReadReq.Options): Promise<void> {
    const log = this.cluster.log;
    const all = options.getAll();
    const backwards = options.getReadDirection() === streamsPb.ReadReq.Options.ReadDirection.BACKWARDS;
    const position = all?.hasPosition() ? Number(all.getPosition()?.getCommitPosition()) : undefined;
    let index: number;
    if (backwards) index = position === undefined || all?.hasEnd() ? log.size - 1 : log.indexBefore(position);
    else if (all?.hasEnd()) index = log.size;
    else index = position === undefined ? 0 : log.indexFrom(position);
    const filter = compileFilter(options);
    let count = Number(options.getCount());
    while (count > 0 && index >= 0 && index < log.size && !writer.cancelled) {
      const record = log.at(index);
      index += backwards ? -1 : 1;
      if (!record || (filter && !filter.matches(record))) continue;
      await writer.sendEvent(record, options.getResolveLinks());
      count -= 1;
    }
  }

  /**
   * `Enumerators.AllSubscription`/`AllSubscriptionFiltered`: a confirmation first; then every event after the start
   * position (exclusive), from the log and then live, with `caught_up` when the log is read; a filtered subscription
   * reports a checkpoint each time it has searched `checkpointIntervalMultiplier × maxSearchWindow` events, at the
   * position of the last one it searched. A subscription never ends by itself.
   */
  private async subscribeToAll(writer: ResponseWriter, options: ReadReq.Options, signal: AbortSignal): Promise<void> {
    const log = this.cluster.log;
    const confirmation = new ReadRespMessage.SubscriptionConfirmation();
    confirmation.setSubscriptionId(crypto.randomUUID());
    const confirmed = new ReadRespMessage();
    confirmed.setConfirmation(confirmation);
    await writer.send(confirmed);

    const all = options.getAll();
    let after: number;
    if (all?.hasPosition()) after = Number(all.getPosition()?.getCommitPosition());
    else if (all?.hasEnd()) after = log.end - 1;
    else after = -1;
    const filter = compileFilter(options);
    let searched = 0;
    let caughtUp = false;
    while (!signal.aborted) {
      for (let index = log.indexFrom(after + 1); index < log.size && !signal.aborted; index += 1) {
        const record = log.at(index);
        if (!record) break;
        after = record.position;
        if (!filter || filter.matches(record)) await writer.sendEvent(record, options.getResolveLinks());
        if (filter && (searched += 1) % filter.checkpointInterval === 0) await writer.sendCheckpoint(after);
      }
      if (!caughtUp && !signal.aborted) {
        caughtUp = true;
        const response = new ReadRespMessage();
        response.setCaughtUp(new ReadRespMessage.CaughtUp());
        await writer.send(response);
      }
      await log.nextAppend(signal);
    }
  }

  /** `Streams.Append`: options first, then the events; the outcome in the response, a wrong expected version too. */
  private async append(
    call: grpc.ServerReadableStream<AppendReq, InstanceType<typeof AppendResp>>,
    callback: grpc.sendUnaryData<InstanceType<typeof AppendResp>>,
  ): Promise<void> {
    const tracked = this.track(call, 'append');
    try {
      let options: AppendReq.Options | undefined;
      const events: ProposedEvent[] = [];
      for await (const request of call as AsyncIterable<AppendReq>) {
        if (request.hasOptions()) options = request.getOptions();
        const proposed = request.getProposedMessage();
        if (proposed) events.push(proposedEvent(proposed));
      }
      if (!options) throw new CallRefused(serviceError(grpc.status.INVALID_ARGUMENT, 'options are required'));
      this.checkLeader(call.metadata);
      const user = this.cluster.authenticate(call.metadata);
      const stream = streamNameOf(options.getStreamIdentifier());
      if (!this.cluster.mayAccess(user, stream, 'write')) throw new CallRefused(accessDenied());
      const leader = this.cluster.leader;
      if (!leader) throw new CallRefused(serverNotReady());
      let expected: Expectation = 'any';
      if (options.hasRevision()) expected = Number(options.getRevision());
      else if (options.hasNoStream()) expected = 'no_stream';
      else if (options.hasStreamExists()) expected = 'stream_exists';
      callback(null, appendResponse(this.cluster.log.append(stream, expected, events, leader.recentEventIds), expected));
    } catch (error) {
      callback(error instanceof CallRefused ? error.error : serviceError(grpc.status.INTERNAL, String(error)));
    } finally {
      tracked.end();
    }
  }

  /**
   * `Streams.BatchAppend`: one call carries many appends, each by its correlation id — options with the first
   * message, events across messages up to the final one — and answers each with its own response. Failures are
   * answered in the response as a `google.rpc.Status`; a node that is not ready says so with an empty detail.
   */
  private batchAppend(call: grpc.ServerDuplexStream<BatchAppendReq, BatchAppendResp>): void {
    const tracked = this.track(call, 'batch append');
    const pending = new Map<string, { stream: string; expected: Expectation; expectedOption: BatchAppendReq.Options; events: ProposedEvent[] }>();
    const requiresLeader = call.metadata.get('requires-leader')[0] === 'true';
    let user: TestUser | 'anonymous';
    try {
      user = this.cluster.authenticate(call.metadata);
    } catch (error) {
      call.emit('error', error instanceof CallRefused ? error.error : serviceError(grpc.status.INTERNAL, String(error)));
      tracked.end();
      return;
    }
    call.on('data', (request: BatchAppendReq) => {
      const correlation = request.getCorrelationId()?.getString() ?? '';
      const options = request.getOptions();
      if (options) {
        let expected: Expectation = 'any';
        if (options.hasStreamPosition()) expected = Number(options.getStreamPosition());
        else if (options.hasNoStream()) expected = 'no_stream';
        else if (options.hasStreamExists()) expected = 'stream_exists';
        pending.set(correlation, { stream: streamNameOf(options.getStreamIdentifier()), expected, expectedOption: options, events: [] });
      }
      const write = pending.get(correlation);
      if (!write) return;
      write.events.push(...request.getProposedMessagesList().map(proposedEvent));
      if (!request.getIsFinal()) return;
      pending.delete(correlation);
      const response = new BatchAppendRespMessage();
      response.setCorrelationId(request.getCorrelationId());
      response.setStreamIdentifier(streamIdentifier(write.stream));
      copyExpectation(write.expectedOption, response);
      const leader = this.cluster.leader;
      if (requiresLeader && leader && !this.isLeader && this.ready) {
        // The server throws the leader's whereabouts out of the whole call (`RpcExceptions.LeaderInfo`).
        call.emit('error', notLeader(leader));
        return;
      }
      if (!this.cluster.mayAccess(user, write.stream, 'write')) response.setError(rpcStatus('Access Denied', 'event_store.client.AccessDenied', new sharedPb.AccessDenied().serializeBinary()));
      else if (!leader || !this.ready) response.setError(rpcStatus('Server Is Not Ready', 'google.protobuf.Empty', new emptyPb.Empty().serializeBinary()));
      else {
        const outcome = this.cluster.log.append(write.stream, write.expected, write.events, leader.recentEventIds);
        if (outcome.kind === 'wrong-expected-version') {
          const details = new sharedPb.WrongExpectedVersion();
          if (outcome.current === undefined) details.setCurrentNoStream(new emptyPb.Empty());
          else details.setCurrentStreamRevision(String(outcome.current));
          if (typeof write.expected === 'number') details.setExpectedStreamPosition(String(write.expected));
          else if (write.expected === 'no_stream') details.setExpectedNoStream(new emptyPb.Empty());
          else if (write.expected === 'stream_exists') details.setExpectedStreamExists(new emptyPb.Empty());
          else details.setExpectedAny(new emptyPb.Empty());
          response.setError(rpcStatus('WrongExpectedVersion', 'event_store.client.WrongExpectedVersion', details.serializeBinary()));
        } else {
          const success = new BatchAppendRespMessage.Success();
          success.setCurrentRevision(String(outcome.lastRevision));
          if (outcome.kind === 'written' && outcome.position >= 0) success.setPosition(allStreamPosition(outcome.position));
          else success.setNoPosition(new emptyPb.Empty());
          response.setSuccess(success);
        }
        if (this.withholdAppendAnswers) return;
      }
      call.write(response);
    });
    call.on('end', () => {
      call.end();
      tracked.end();
    });
  }

  private clusterInfo(): InstanceType<typeof gossipPb.ClusterInfo> {
    const info = new gossipPb.ClusterInfo();
    for (const node of this.cluster.nodes) {
      const member = new gossipPb.MemberInfo();
      const id = new sharedPb.UUID();
      id.setString(`00000000-0000-4000-8000-${String(node.port).padStart(12, '0')}`);
      member.setInstanceId(id);
      member.setTimeStamp(String(Date.now()));
      member.setIsAlive(node.running);
      member.setState(
        !node.running ? gossipPb.MemberInfo.VNodeState.SHUTDOWN : node.isLeader ? gossipPb.MemberInfo.VNodeState.LEADER : gossipPb.MemberInfo.VNodeState.FOLLOWER,
      );
      const endpoint = new gossipPb.EndPoint();
      endpoint.setAddress('127.0.0.1');
      endpoint.setPort(node.port);
      member.setHttpEndPoint(endpoint);
      info.addMembers(member);
    }
    return info;
  }
}

/** Sends responses as the client reads them: a slow reader holds the server back, as HTTP/2 flow control does. */
class ResponseWriter {
  constructor(
    private readonly call: grpc.ServerWritableStream<ReadReq, ReadResp>,
    private readonly signal: AbortSignal,
    private readonly structuredIds: boolean,
    private readonly log: ReplicatedLog,
  ) {}

  get cancelled(): boolean {
    return this.signal.aborted;
  }

  async send(response: ReadResp): Promise<void> {
    if (this.signal.aborted || this.call.write(response)) return;
    await once(this.call, 'drain', { signal: this.signal }).catch(() => undefined);
  }

  /** An event with its positions (`ReadResp.ReadEvent`); a link event is resolved to its target when asked. */
  sendEvent(record: LogRecord, resolveLinks: boolean): Promise<void> {
    const readEvent = new ReadRespMessage.ReadEvent();
    const target = resolveLinks && record.type === '$>' ? this.linkTarget(record) : undefined;
    readEvent.setEvent(this.recorded(target ?? record));
    if (target) readEvent.setLink(this.recorded(record));
    readEvent.setCommitPosition(String(record.position));
    const response = new ReadRespMessage();
    response.setEvent(readEvent);
    return this.send(response);
  }

  sendCheckpoint(position: number): Promise<void> {
    const checkpoint = new ReadRespMessage.Checkpoint();
    checkpoint.setCommitPosition(String(position));
    checkpoint.setPreparePosition(String(position));
    const response = new ReadRespMessage();
    response.setCheckpoint(checkpoint);
    return this.send(response);
  }

  private linkTarget(link: LogRecord): LogRecord | undefined {
    const [revision, ...stream] = Buffer.from(link.data).toString('utf8').split('@');
    return this.log.streamRecords(stream.join('@'))?.[Number(revision)];
  }

  private recorded(record: LogRecord): RecordedEventMessage {
    const recorded = new ReadRespMessage.ReadEvent.RecordedEvent();
    recorded.setId(uuid(record.id, this.structuredIds));
    recorded.setStreamIdentifier(streamIdentifier(record.stream));
    recorded.setStreamRevision(String(record.revision));
    recorded.setPreparePosition(String(record.position));
    recorded.setCommitPosition(String(record.position));
    recorded.getMetadataMap().set('type', record.type);
    recorded.getMetadataMap().set('content-type', record.contentType);
    recorded.getMetadataMap().set('created', String(record.created));
    recorded.setCustomMetadata(record.metadata);
    recorded.setData(record.data);
    return recorded;
  }
}

interface CompiledFilter {
  matches(record: LogRecord): boolean;
  readonly checkpointInterval: number;
}

/** `EventFilter.cs`: on the stream name or the event type, by prefixes or by a regular expression (not anchored). */
function compileFilter(options: ReadReq.Options): CompiledFilter | undefined {
  const filter = options.getFilter();
  if (!filter) return undefined;
  const onStream = filter.hasStreamIdentifier();
  const expression = onStream ? filter.getStreamIdentifier() : filter.getEventType();
  const prefixes = expression?.getPrefixList() ?? [];
  const regex = expression?.getRegex() ? new RegExp(expression.getRegex()) : undefined;
  const window = filter.hasMax() ? filter.getMax() : DEFAULT_MAX_SEARCH_WINDOW;
  return {
    matches(record) {
      const subject = onStream ? record.stream : record.type;
      if (prefixes.length > 0) return prefixes.some((prefix) => subject.startsWith(prefix));
      return regex ? regex.test(subject) : true;
    },
    checkpointInterval: Math.max(1, window * Math.max(1, filter.getCheckpointintervalmultiplier())),
  };
}

function streamNameOf(identifier: InstanceType<typeof sharedPb.StreamIdentifier> | undefined): string {
  return Buffer.from(identifier?.getStreamName_asU8() ?? new Uint8Array()).toString('utf8');
}

function streamIdentifier(name: string): InstanceType<typeof sharedPb.StreamIdentifier> {
  const identifier = new sharedPb.StreamIdentifier();
  identifier.setStreamName(Buffer.from(name, 'utf8'));
  return identifier;
}

/** As the client asked: a string, or the two halves as signed 64-bit integers (`Uuid.cs`). */
function uuid(id: string, structured: boolean): InstanceType<typeof sharedPb.UUID> {
  const message = new sharedPb.UUID();
  if (!structured) return message.setString(id);
  const hex = id.replace(/-/g, '');
  const halves = new sharedPb.UUID.Structured();
  halves.setMostSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(0, 16)}`)).toString());
  halves.setLeastSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(16)}`)).toString());
  return message.setStructured(halves);
}

function uuidText(message: InstanceType<typeof sharedPb.UUID> | undefined): string {
  const halves = message?.getStructured();
  if (!halves) return message?.getString() ?? '';
  const hex = [halves.getMostSignificantBits(), halves.getLeastSignificantBits()]
    .map((half) => BigInt.asUintN(64, BigInt(half)).toString(16).padStart(16, '0'))
    .join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

interface ProposedMessageLike {
  getId(): InstanceType<typeof sharedPb.UUID> | undefined;
  getMetadataMap(): { get(key: string): string | undefined };
  getData_asU8(): Uint8Array;
  getCustomMetadata_asU8(): Uint8Array;
}

function proposedEvent(message: ProposedMessageLike): ProposedEvent {
  const metadata = message.getMetadataMap();
  return {
    id: uuidText(message.getId()),
    type: metadata.get('type') ?? '',
    contentType: metadata.get('content-type') ?? 'application/octet-stream',
    data: message.getData_asU8(),
    metadata: message.getCustomMetadata_asU8(),
  };
}

function allStreamPosition(position: number): InstanceType<typeof sharedPb.AllStreamPosition> {
  const place = new sharedPb.AllStreamPosition();
  place.setCommitPosition(String(position));
  place.setPreparePosition(String(position));
  return place;
}

/** `Streams.Append.cs`: success with the revision and the position (none for a recognised retry), or the versions. */
function appendResponse(outcome: AppendOutcome, expected: Expectation): InstanceType<typeof AppendResp> {
  const response = new AppendResp();
  if (outcome.kind === 'wrong-expected-version') {
    const wrong = new AppendResp.WrongExpectedVersion();
    if (outcome.current === undefined) wrong.setCurrentNoStream(new sharedPb.Empty());
    else wrong.setCurrentRevision(String(outcome.current));
    if (typeof expected === 'number') wrong.setExpectedRevision(String(expected));
    else if (expected === 'no_stream') wrong.setExpectedNoStream(new sharedPb.Empty());
    else if (expected === 'stream_exists') wrong.setExpectedStreamExists(new sharedPb.Empty());
    else wrong.setExpectedAny(new sharedPb.Empty());
    response.setWrongExpectedVersion(wrong);
    return response;
  }
  const success = new AppendResp.Success();
  success.setCurrentRevision(String(outcome.lastRevision));
  if (outcome.kind === 'written' && outcome.position >= 0) {
    const position = new AppendResp.Position();
    position.setCommitPosition(String(outcome.position));
    position.setPreparePosition(String(outcome.position));
    success.setPosition(position);
  } else success.setNoPosition(new sharedPb.Empty());
  response.setSuccess(success);
  return response;
}

function copyExpectation(options: BatchAppendReq.Options, response: BatchAppendResp): void {
  if (options.hasStreamPosition()) response.setStreamPosition(options.getStreamPosition());
  else if (options.hasNoStream()) response.setNoStream(new emptyPb.Empty());
  else if (options.hasStreamExists()) response.setStreamExists(new emptyPb.Empty());
  else response.setAny(new emptyPb.Empty());
}

/** A `google.rpc.Status` whose detail names what went wrong (`Status.cs` in the server's gRPC transport). */
function rpcStatus(message: string, detailType: string, detail: Uint8Array): InstanceType<typeof statusPb.Status> {
  const status = new statusPb.Status();
  status.setMessage(message);
  const details = new anyPb.Any();
  details.pack(detail, detailType);
  status.setDetails(details);
  return status;
}

/** `ServerFeatures.cs`: the methods this server serves, batch appends among them, so the client uses them. */
function supportedMethods(): InstanceType<typeof serverFeaturesPb.SupportedMethods> {
  const methods = new serverFeaturesPb.SupportedMethods();
  methods.setEventStoreServerVersion(SERVER_VERSION);
  for (const [service, method] of [
    ['event_store.client.streams.streams', 'read'],
    ['event_store.client.streams.streams', 'append'],
    ['event_store.client.streams.streams', 'batchappend'],
    ['event_store.client.gossip.gossip', 'read'],
  ] as const) {
    const supported = methods.addMethods();
    supported.setServiceName(service);
    supported.setMethodName(method);
  }
  return methods;
}

let processCertificates: ReturnType<typeof createCertificates> | undefined;

/** Made once per process, removed when it exits: every secure cluster of a test run shares them. */
function certificatesOfThisProcess(): ReturnType<typeof createCertificates> {
  if (!processCertificates) {
    const made = createCertificates();
    process.once('exit', () => rmSync(made.directory, { recursive: true, force: true }));
    processCertificates = made;
  }
  return processCertificates;
}

/** A CA and a node certificate for 127.0.0.1 and localhost, made with openssl, as a real cluster's nodes each need
 * one signed by a CA the clients trust (documentation, "Security: certificates"). */
function createCertificates(): { directory: string; ca: Buffer; key: Buffer; certificate: Buffer } {
  const directory = mkdtempSync(join(tmpdir(), 'meent-esdb-certificates-'));
  const openssl = (...args: string[]) => {
    const result = spawnSync('openssl', args, { cwd: directory, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`openssl ${args[0]} failed: ${result.stderr || result.error?.message}`);
  };
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=Meent test CA', '-keyout', 'ca.key', '-out', 'ca.crt');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=eventstoredb-node', '-keyout', 'node.key', '-out', 'node.csr');
  writeFileSync(join(directory, 'node.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl('x509', '-req', '-in', 'node.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-extfile', 'node.ext', '-out', 'node.crt');
  return {
    directory,
    ca: readFileSync(join(directory, 'ca.crt')),
    key: readFileSync(join(directory, 'node.key')),
    certificate: readFileSync(join(directory, 'node.crt')),
  };
}
