// electron-builder's configuration of CellDesk's installers, one function for `npm run dist` and
// `npm run package:check`. Node side (packaging scripts, run through tsx).
import type { Configuration, FileAssociation } from 'electron-builder';
import { APP_NAME } from '../src/engine/io/appPaths';
import { PACKAGED_SQLITE_DIR, SQLITE_MODULE_FILE } from '../src/main/nativeModules';
import { IMAGE_FILE_TYPES } from '../src/main/launchArguments';
import type { SigningPlan } from './signing';

export const APP_ID = 'org.celldesk.CellDesk';
/** The desktop app's command on Linux; `celldesk` is the CLI's (npm bin), which the two must not fight over. */
export const LINUX_EXECUTABLE = 'celldesk-desktop';

/** The platforms and architectures onnxruntime-node ships binaries for, as its bin/napi-v6/<platform>/<arch> folders. */
const ONNXRUNTIME_PLATFORMS = { linux: ['x64', 'arm64'], win32: ['x64', 'arm64'], darwin: ['arm64'] } as const;
type OnnxPlatform = keyof typeof ONNXRUNTIME_PLATFORMS;

/**
 * File patterns that leave out every onnxruntime-node binary but the target's: the other platforms' folders, and
 * the target platform's other architectures (`${arch}` is electron-builder's macro for the one being packaged).
 */
export function onnxRuntimeExclusions(platform: OnnxPlatform): string[] {
  const bin = 'node_modules/onnxruntime-node/bin/napi-v6';
  const others = Object.keys(ONNXRUNTIME_PLATFORMS).filter((p) => p !== platform);
  return [`!${bin}/{${others.join(',')}}/**`, `!${bin}/${platform}/!(\${arch})/**`];
}

/**
 * What the app needs at run time is out/ (main, preload, workers, renderer) and the packages the main and worker
 * bundles import, which electron-builder copies from the production dependencies. Left out: packages the renderer
 * bundle already contains, the CLI's TypeScript runner (tsx, with esbuild's native executable), and better-sqlite3's
 * sources and Node.js build (the Electron build ships on its own: [Note: two sqlite builds] in
 * src/main/nativeModules.ts). `npm run package:check` fails if any of these turns out to be imported.
 */
const NOT_SHIPPED = [
  '!node_modules/{react,react-dom,scheduler,plotly.js-dist-min}/**',
  '!node_modules/@mantine/**',
  '!node_modules/{tsx,esbuild,get-tsconfig,resolve-pkg-maps}/**',
  '!node_modules/@esbuild/**',
  '!node_modules/better-sqlite3/{build,deps,src,binding.gyp}{,/**}',
];

// The formats CellDesk opens, registered as a viewer at the lowest rank: opening an image with CellDesk is offered
// without taking the formats away from the system's own viewer. A file opened this way arrives as a launch argument
// or, on macOS, an 'open-file' event ([Note: single instance] in src/main/launchArguments.ts).
const IMAGE_ASSOCIATIONS: FileAssociation[] = IMAGE_FILE_TYPES.map((type) => ({
  ext: [...type.extensions],
  name: type.name,
  description: type.name,
  mimeType: type.mimeType,
  role: 'Viewer',
  rank: 'Alternate',
}));

export interface PackagingOptions {
  /** The better-sqlite3 module to ship, built for the target's Electron (or, for package:check, this Node's). */
  sqliteModule: string;
  /** Whose certificates sign the app, read from the environment (see signing.ts). */
  signing: SigningPlan;
  /** A folder holding Electron to package instead of the downloaded one (package:check's stand-in). */
  electronDist?: string;
  /** Where installers and unpacked apps go; default dist/. */
  output?: string;
}

export function builderConfig(options: PackagingOptions): Configuration {
  return {
    appId: APP_ID,
    productName: APP_NAME,
    copyright: `Copyright © ${new Date().getFullYear()} the ${APP_NAME} developers`,
    directories: { buildResources: 'resources', output: options.output ?? 'dist' },
    files: ['out/**', 'package.json', ...NOT_SHIPPED],
    // [Note: native files unpacked] Native modules cannot be loaded from inside app.asar: the operating system maps
    // them from real files. Each .node file is unpacked together with the libraries beside it that it links
    // (onnxruntime-node's bin folder holds its binding and libonnxruntime), so $ORIGIN and DLL search find them.
    asar: { smartUnpack: false },
    asarUnpack: ['**/*.node', 'node_modules/onnxruntime-node/bin/**'],
    extraResources: [{ from: options.sqliteModule, to: `${PACKAGED_SQLITE_DIR}/${SQLITE_MODULE_FILE}` }],
    // [Note: two sqlite builds]: electron-builder's rebuild would rebuild node_modules in place.
    npmRebuild: false,
    nodeGypRebuild: false,
    buildDependenciesFromSource: false,
    electronDist: options.electronDist ?? null,
    // [Note: fuses] Electron's fuses are switched in the packaged binary (security checklist item 19):
    // RunAsNode off (ELECTRON_RUN_AS_NODE cannot turn CellDesk into a Node.js), NODE_OPTIONS ignored, cookies
    // encrypted, only app.asar loaded (no app folder beside it), its integrity checked at start-up where Electron
    // supports it (macOS and Windows; the fuse does nothing on Linux), and no extra privileges for file:// pages
    // (CellDesk serves its page from app://). The --inspect switches stay allowed: Playwright's Electron support,
    // which the release workflow uses to launch each packaged app, attaches through them.
    electronFuses: {
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
      // Flipping fuses breaks the signature Electron ships with; without a certificate, sign ad hoc again so that
      // the app still starts on Apple silicon.
      resetAdHocDarwinSignature: options.signing.mac === 'ad-hoc',
    },
    fileAssociations: IMAGE_ASSOCIATIONS,
    publish: null,
    linux: {
      target: ['AppImage', 'deb'],
      executableName: LINUX_EXECUTABLE,
      category: 'Science',
      synopsis: 'Cell segmentation with Cellpose 3 models, without Python',
      description: 'Segment cells and nuclei in microscopy images with Cellpose 3 models, edit the masks and export them.',
      mimeTypes: IMAGE_FILE_TYPES.map((type) => type.mimeType),
      files: onnxRuntimeExclusions('linux'),
    },
    // [Note: Linux sandbox] Ubuntu 24.04 and later forbid unprivileged user namespaces to programs without an
    // AppArmor profile, and Chromium's sandbox then aborts at start-up. The deb installs resources/linux/apparmor-
    // profile (allowing exactly that, for /opt/CellDesk/celldesk-desktop) when the system's AppArmor understands
    // it, and falls back to the setuid chrome-sandbox where user namespaces are missing. An AppImage runs from a
    // different mount point each time, so no profile can name it: the AppImage runtime chosen here tests whether
    // user namespaces work and only then keeps the sandbox, else starts CellDesk with --no-sandbox (the page keeps
    // context isolation and no Node). The deb is the package for Ubuntu users. Only a machine with Electron and
    // AppArmor shows the sandbox starting; the release workflow launches the installed deb on Ubuntu 24.04.
    deb: { appArmorProfile: 'resources/linux/apparmor-profile', packageCategory: 'science' },
    appImage: { executableArgs: [] },
    toolsets: { appimage: '1.0.3' },
    win: {
      target: [{ target: 'nsis', arch: ['x64'] }],
      files: onnxRuntimeExclusions('win32'),
    },
    // Installed for the current user, without administrator rights. Uninstalling keeps the user's data folder
    // (models, database, drafts), which the `celldesk` command shares ([Note: data folder] in appPaths.ts).
    nsis: {
      oneClick: true,
      perMachine: false,
      deleteAppDataOnUninstall: false,
      artifactName: '${productName}-Setup-${version}.${ext}',
    },
    mac: {
      target: [{ target: 'dmg', arch: ['arm64'] }],
      category: 'public.app-category.education',
      hardenedRuntime: true,
      files: onnxRuntimeExclusions('darwin'),
      // Absent certificate: no signing identity, and the ad-hoc signature above.
      ...(options.signing.mac === 'certificate' ? {} : { identity: null }),
      notarize: options.signing.notarize,
    },
    dmg: { artifactName: '${productName}-${version}-${arch}.${ext}' },
  };
}
