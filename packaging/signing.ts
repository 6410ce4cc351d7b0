// Which signing `npm run dist` can do, read from the environment the way electron-builder reads it: certificates
// and Apple's notarisation credentials come from CI secrets or a developer's shell, never from the repository, and
// whatever is absent is skipped with a line saying so. Node side (packaging scripts).

export interface SigningPlan {
  /** macOS: a Developer ID certificate (CSC_LINK or CSC_NAME), else an ad-hoc signature that runs only locally. */
  mac: 'certificate' | 'ad-hoc';
  /** macOS: notarise with Apple (needs a certificate and one of Apple's three credential sets). */
  notarize: boolean;
  /** Windows: an Authenticode certificate (WIN_CSC_LINK or CSC_LINK), else unsigned. */
  windows: boolean;
}

const present = (env: NodeJS.ProcessEnv, ...names: string[]) => names.every((name) => (env[name] ?? '') !== '');

export function signingFromEnvironment(env: NodeJS.ProcessEnv): SigningPlan {
  const mac = present(env, 'CSC_LINK') || present(env, 'CSC_NAME') ? 'certificate' : 'ad-hoc';
  const appleCredentials =
    present(env, 'APPLE_API_KEY', 'APPLE_API_KEY_ID', 'APPLE_API_ISSUER') ||
    present(env, 'APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID') ||
    present(env, 'APPLE_KEYCHAIN', 'APPLE_KEYCHAIN_PROFILE');
  return { mac, notarize: mac === 'certificate' && appleCredentials, windows: present(env, 'WIN_CSC_LINK') || present(env, 'CSC_LINK') };
}

/** One line per platform on what will be signed, for the build log. */
export function describeSigning(plan: SigningPlan, platform: NodeJS.Platform): string {
  if (platform === 'darwin') {
    if (plan.mac === 'ad-hoc') return 'macOS: no certificate (CSC_LINK / CSC_NAME): signed ad hoc, not notarised; it runs on this Mac only.';
    return plan.notarize ? 'macOS: signed with the certificate and notarised.' : "macOS: signed with the certificate; not notarised (no Apple credentials in the environment).";
  }
  if (platform === 'win32') return plan.windows ? 'Windows: signed with the certificate.' : 'Windows: no certificate (WIN_CSC_LINK / CSC_LINK): the installer is unsigned.';
  return 'Linux: AppImage and deb are not signed.';
}
