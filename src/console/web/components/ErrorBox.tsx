// A refused or failed request, with the server's (etcd's) message.
export function ErrorBox({ error }: { error: string | null }) {
  if (error === null) return null;
  return (
    <p class="error" role="alert" data-testid="error">
      {error}
    </p>
  );
}
