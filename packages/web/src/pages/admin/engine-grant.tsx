/**
 * Engine grants (`"*"` or a list of engine ids) as words and as a form field: every engine, present
 * and future, or only the ones ticked. Ids of engines that no longer exist stay listed so they can
 * be unticked.
 */
import type { EngineGrant, EngineSummary } from '@gantry/server/api-types';
import { useId } from 'react';
import { useSession } from '../../api/session.tsx';

/** "all engines", "none", or the engines' names. */
export function describeGrant(grant: EngineGrant, engines: readonly EngineSummary[]): string {
  if (grant === '*') return 'all engines';
  if (grant.length === 0) return 'none';
  return grant.map((id) => engines.find((engine) => engine.id === id)?.name ?? id).join(', ');
}

export function EngineGrantField({
  value,
  onChange,
}: {
  value: EngineGrant;
  onChange: (grant: EngineGrant) => void;
}) {
  const { engines } = useSession();
  const name = useId();
  const chosen = value === '*' ? [] : value;
  const known = new Set(engines.map((engine) => engine.id));
  const choices = [
    ...engines.map((engine) => ({ id: engine.id, label: engine.name })),
    ...chosen.filter((id) => !known.has(id)).map((id) => ({ id, label: `${id} (no longer configured)` })),
  ];
  const toggle = (id: string) =>
    onChange(chosen.includes(id) ? chosen.filter((item) => item !== id) : [...chosen, id]);
  return (
    <fieldset className="admin-fieldset">
      <legend>Engines</legend>
      <label className="admin-check">
        <input type="radio" name={name} checked={value === '*'} onChange={() => onChange('*')} />
        All engines, including ones added later
      </label>
      <label className="admin-check">
        <input
          type="radio"
          name={name}
          checked={value !== '*'}
          onChange={() => onChange(choices.map((choice) => choice.id))}
        />
        Only these engines
      </label>
      {value === '*' ? null : (
        <div className="admin-check-list">
          {choices.map((choice) => (
            <label key={choice.id} className="admin-check">
              <input
                type="checkbox"
                checked={chosen.includes(choice.id)}
                onChange={() => toggle(choice.id)}
              />
              {choice.label}
            </label>
          ))}
          {choices.length === 0 ? <span className="muted">No engines are configured.</span> : null}
        </div>
      )}
      <div className="field-hint">
        The role's engine permissions (containers, images, …) count only on these engines; with none ticked
        the user sees no engine objects.
      </div>
    </fieldset>
  );
}
