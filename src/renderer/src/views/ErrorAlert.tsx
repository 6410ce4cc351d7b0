// A failed call's message as every view shows it: a red alert that stays until dismissed, since errors are rare and
// must be read. Renderer.
import { Alert } from '@mantine/core';

export function ErrorAlert({ error, onClose, className }: { error: string | null; onClose: () => void; className?: string }) {
  if (error === null) return null;
  return (
    <Alert className={className} color="red" title="Something went wrong" withCloseButton onClose={onClose} role="alert">
      {error}
    </Alert>
  );
}
