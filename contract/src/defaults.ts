import { defaultsData } from './generated.js';

/** The apps' environment defaults (variable -> value), shared by the Node app, the FastAPI twin and the runner. */
export const APP_DEFAULTS = defaultsData.app;
export const QUEUE_NAME = defaultsData.queueName;
/** Largest request body the apps read; a larger one is a 413. */
export const MAX_BODY_BYTES = defaultsData.maxBodyBytes;
