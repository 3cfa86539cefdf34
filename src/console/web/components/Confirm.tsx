// Asks before a write; nothing is sent until the user confirms.
interface Props {
  text: string;
  action: string;
  onConfirm: () => void;
  onCancel: () => void;
}

export function Confirm({ text, action, onConfirm, onCancel }: Props) {
  return (
    <div class="confirm" role="alertdialog" aria-label={text}>
      <p>{text}</p>
      <button type="button" class="danger" data-testid="confirm-button" onClick={onConfirm}>
        {action}
      </button>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}
