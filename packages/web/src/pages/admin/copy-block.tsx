/** A block of text to paste elsewhere (a shell snippet), with a Copy button. */
import { Button } from '../../ui/controls.tsx';
import { useFeedback } from '../../ui/feedback.tsx';

export function CopyBlock({ label, text }: { label: string; text: string }) {
  const { notify, fail } = useFeedback();
  const copy = async () => {
    try {
      // Absent outside secure contexts (plain http to a non-loopback address).
      if (!navigator.clipboard) throw new Error('this browser allows copying only over https or localhost');
      await navigator.clipboard.writeText(text);
      notify(`${label} copied`);
    } catch (error) {
      fail(error, 'Could not copy: select the text and copy it by hand');
    }
  };
  return (
    <div className="copy-block">
      <pre>{text}</pre>
      <Button className="copy-button" aria-label={`Copy ${label}`} onClick={copy}>
        Copy
      </Button>
    </div>
  );
}
