// Types for electron-vite's import suffixes in the main process (`?modulePath`: a separately bundled entry's path).
/// <reference types="electron-vite/node" />
