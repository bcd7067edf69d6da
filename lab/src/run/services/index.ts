/** Services a strategy needs besides the app (the contract's `needs`): Redis and the queue worker. */
export { needsRedis, type QueueServices, startQueueServices } from './queue-services.js';
export { type QueueWorkerOptions, QueueWorkerProcess } from './queue-worker.js';
export { redisCommand, redisPing } from './redis-command.js';
export { type AppendFsync, RedisServer, type RedisServerOptions } from './redis-server.js';
