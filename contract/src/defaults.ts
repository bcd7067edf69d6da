import { defaultsData } from './generated.js';

/** The apps' environment defaults (variable -> value), shared by the Node app, the FastAPI twin and the runner. */
export const APP_DEFAULTS = defaultsData.app;
export const QUEUE_NAME = defaultsData.queueName;
