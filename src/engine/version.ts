// The engine's version (the app's), written into converted models and run records.
import packageJson from '../../package.json';

export const ENGINE_VERSION: string = packageJson.version;
