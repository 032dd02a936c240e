/**
 * The create-container form: image (suggested from the engine's images), name, argv command and
 * entrypoint, environment, ports, mounts, network, restart policy, CPU and memory limits, labels,
 * and "start after create". Problems the form can see are marked before sending; the server's
 * VALIDATION field errors are shown next to the section they concern.
 */
import type { ContainerCreateResponse, ImageSummary, Network } from '@gantry/engine';
import type { Page } from '@gantry/server/api-types';
import { type FormEvent, type ReactNode, useRef, useState } from 'react';
import { ApiError, api, enginePath } from '../../api/client.ts';
import { useApi } from '../../api/hooks.ts';
import { useSession } from '../../api/session.tsx';
import { Link, navigate } from '../../router.tsx';
import {
  Button,
  Empty,
  ErrorBox,
  Field,
  PageHeader,
  SelectField,
  shortId,
  TextField,
} from '../../ui/controls.tsx';
import { useFeedback } from '../../ui/feedback.tsx';
import {
  type CreateForm,
  createRequest,
  EMPTY_FORM,
  type FieldErrors,
  fieldErrorsOf,
  type KeyValueRow,
  type MemoryUnit,
  type MountRow,
  type PortRow,
  type RestartName,
  type Section,
} from './create-request.ts';
import { RowsEditor } from './rows-editor.tsx';
import './containers.css';

const RESTART_POLICIES: readonly { value: RestartName; label: string }[] = [
  { value: 'no', label: 'no — never restart' },
  { value: 'always', label: 'always' },
  { value: 'unless-stopped', label: 'unless-stopped' },
  { value: 'on-failure', label: 'on-failure (non-zero exit)' },
];

const BLANK_VARIABLE: KeyValueRow = { key: '', value: '' };
const BLANK_PORT: PortRow = { host: '', container: '', protocol: 'tcp' };
const BLANK_MOUNT: MountRow = { source: '', target: '', readOnly: false };

function SectionErrors({ errors, section }: { errors: FieldErrors; section: Section }) {
  const messages = errors[section];
  if (!messages?.length) return null;
  return (
    <div className="field-error">
      {messages.map((message) => (
        <div key={message}>{message}</div>
      ))}
    </div>
  );
}

function FormSection({ title, children }: { title: string; children: ReactNode }) {
  return (
    <fieldset className="form">
      <legend>{title}</legend>
      {children}
    </fieldset>
  );
}

export default function CreateContainerPage() {
  const session = useSession();
  const { notify, fail } = useFeedback();
  const engine = session.engine;
  const [form, setForm] = useState<CreateForm>(EMPTY_FORM);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<unknown>();
  const [step, setStep] = useState<string>();
  const top = useRef<HTMLDivElement>(null);
  const images = useApi<Page<ImageSummary>>(engine && enginePath(engine, 'images'), { pageSize: 500 });
  const networks = useApi<Page<Network>>(engine && enginePath(engine, 'networks'), { pageSize: 500 });
  if (!engine) return <Empty>No engine is available to this account.</Empty>;
  // Starting needs containers.operate, which a role may grant separately from create.
  const canStart = session.can('containers.operate');
  const start = form.start && canStart;

  const set = <K extends keyof CreateForm>(key: K, value: CreateForm[K]) =>
    setForm((previous) => ({ ...previous, [key]: value }));
  const tags = (images.data?.items ?? []).flatMap((image) =>
    image.RepoTags.filter((tag) => tag !== '<none>:<none>'),
  );
  const networkNames = (networks.data?.items ?? []).map((network) => network.Name ?? '').filter(Boolean);

  const showProblems = (problem: unknown, fields: FieldErrors) => {
    setFailure(problem);
    setErrors(fields);
    top.current?.scrollIntoView({ block: 'nearest' });
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const { request, errors: formErrors } = createRequest(form);
    if (!request)
      return showProblems(
        new Error('Some fields need a fix before the container can be created.'),
        formErrors ?? {},
      );
    showProblems(undefined, {});
    setStep('Creating…');
    try {
      const created = await api<ContainerCreateResponse>('POST', enginePath(engine, 'containers'), {
        query: request.query,
        body: request.body,
      });
      for (const warning of created.Warnings ?? []) notify(`The engine warns: ${warning}`);
      const name = request.query.name ?? shortId(created.Id);
      if (start) {
        setStep('Starting…');
        try {
          await api('POST', enginePath(engine, 'containers', created.Id, 'start'));
          notify(`Created and started ${name}`);
        } catch (error) {
          fail(error, `Created ${name}, but it did not start`);
        }
      } else notify(`Created ${name}`);
      navigate(`/containers/${encodeURIComponent(created.Id)}`);
    } catch (error) {
      const fields =
        error instanceof ApiError && error.code === 'VALIDATION' ? error.details?.fields : undefined;
      showProblems(error, Array.isArray(fields) ? fieldErrorsOf(fields) : {});
      setStep(undefined);
    }
  };

  return (
    <div className="create-form">
      <PageHeader
        title="Create container"
        subtitle={`on ${session.engines.find((item) => item.id === engine)?.name ?? engine}`}
        actions={
          <Link href="/containers" className="button button-plain">
            Cancel
          </Link>
        }
      />
      <form className="form" onSubmit={(event) => void submit(event)} noValidate>
        <div ref={top}>
          <ErrorBox title="The container was not created" error={failure} />
          <SectionErrors errors={errors} section="form" />
        </div>

        <FormSection title="Image and command">
          <div className="form-grid">
            <div>
              <TextField
                label="Image"
                list="create-image-suggestions"
                required
                placeholder="nginx:1.27 or an image id"
                value={form.image}
                onChange={(event) => set('image', event.target.value)}
                hint="Must be on the engine already (pull it from Images first)."
              />
              <datalist id="create-image-suggestions">
                {tags.map((tag) => (
                  <option key={tag} value={tag} />
                ))}
              </datalist>
              <SectionErrors errors={errors} section="image" />
            </div>
            <div>
              <TextField
                label="Name"
                placeholder="optional: the engine picks one"
                value={form.name}
                onChange={(event) => set('name', event.target.value)}
                hint='Letters, digits, "_", "." and "-", starting with a letter or digit.'
              />
              <SectionErrors errors={errors} section="name" />
            </div>
          </div>
          <div className="form-grid">
            {(
              [
                ['command', 'Command', 'sh\n-c\necho "hello"; sleep 60'],
                ['entrypoint', 'Entrypoint', 'optional: replaces the image entrypoint'],
              ] as const
            ).map(([key, label, placeholder]) => (
              <div key={key}>
                <Field
                  label={label}
                  hint="One argument per line, taken literally: no shell quoting or splitting, spaces stay part of the argument. Empty keeps the image's default."
                >
                  {(id) => (
                    <textarea
                      id={id}
                      rows={4}
                      placeholder={placeholder}
                      value={form[key]}
                      onChange={(event) => set(key, event.target.value)}
                    />
                  )}
                </Field>
                <SectionErrors errors={errors} section={key} />
              </div>
            ))}
          </div>
        </FormSection>

        <FormSection title="Environment">
          <RowsEditor
            noun="variable"
            rows={form.env}
            blank={BLANK_VARIABLE}
            onChange={(rows) => set('env', rows)}
            columns={[
              { key: 'key', label: 'Variable', placeholder: 'NAME' },
              { key: 'value', label: 'Value', width: '2fr' },
            ]}
          />
          <SectionErrors errors={errors} section="env" />
        </FormSection>

        <FormSection title="Ports">
          <RowsEditor
            noun="port"
            rows={form.ports}
            blank={BLANK_PORT}
            onChange={(rows) => set('ports', rows)}
            columns={[
              { key: 'host', label: 'Host port', placeholder: 'empty: any free port', numeric: true },
              { key: 'container', label: 'Container port', placeholder: '80', numeric: true },
              { key: 'protocol', label: 'Protocol', width: '6rem', options: ['tcp', 'udp', 'sctp'] },
            ]}
          />
          <SectionErrors errors={errors} section="ports" />
        </FormSection>

        <FormSection title="Volumes and bind mounts">
          <div className="field-hint">
            Source: an absolute host path (a bind mount), a volume name (created when missing), or empty for a
            new anonymous volume.
          </div>
          <RowsEditor
            noun="mount"
            rows={form.mounts}
            blank={BLANK_MOUNT}
            onChange={(rows) => set('mounts', rows)}
            columns={[
              { key: 'source', label: 'Source', placeholder: '/srv/data or my-volume' },
              { key: 'target', label: 'Target', placeholder: '/data' },
              { key: 'readOnly', label: 'Read-only', width: '7rem' },
            ]}
          />
          <SectionErrors errors={errors} section="mounts" />
        </FormSection>

        <FormSection title="Network and restart">
          <div className="form-grid">
            <div>
              <SelectField
                label="Network"
                value={form.network}
                onChange={(event) => set('network', event.target.value)}
                options={[{ value: '', label: "engine's default (bridge)" }, ...networkNames]}
              />
              <ErrorBox title="Could not list networks" error={networks.error} />
              <SectionErrors errors={errors} section="network" />
            </div>
            <div>
              <SelectField
                label="Restart policy"
                value={form.restart}
                onChange={(event) => set('restart', event.target.value as RestartName)}
                options={RESTART_POLICIES}
              />
              <SectionErrors errors={errors} section="restart" />
            </div>
            {form.restart === 'on-failure' ? (
              <TextField
                label="Maximum retries"
                inputMode="numeric"
                placeholder="empty: no limit"
                value={form.maxRetries}
                onChange={(event) => set('maxRetries', event.target.value)}
              />
            ) : null}
          </div>
        </FormSection>

        <FormSection title="Resources">
          <div className="form-grid">
            <TextField
              label="CPUs"
              inputMode="decimal"
              placeholder="empty: no limit"
              value={form.cpus}
              onChange={(event) => set('cpus', event.target.value)}
              hint="How many CPUs' worth of time, e.g. 0.5 or 2."
            />
            <Field label="Memory" hint="Hard limit; the container is killed above it. Empty: no limit.">
              {(id) => (
                <div className="inline-fields">
                  <input
                    id={id}
                    inputMode="decimal"
                    placeholder="empty: no limit"
                    value={form.memory}
                    onChange={(event) => set('memory', event.target.value)}
                  />
                  <select
                    aria-label="Memory unit"
                    value={form.memoryUnit}
                    onChange={(event) => set('memoryUnit', event.target.value as MemoryUnit)}
                  >
                    <option>MiB</option>
                    <option>GiB</option>
                  </select>
                </div>
              )}
            </Field>
          </div>
          <SectionErrors errors={errors} section="resources" />
        </FormSection>

        <FormSection title="Labels">
          <RowsEditor
            noun="label"
            rows={form.labels}
            blank={BLANK_VARIABLE}
            onChange={(rows) => set('labels', rows)}
            columns={[
              { key: 'key', label: 'Label', placeholder: 'com.example.team' },
              { key: 'value', label: 'Label value', width: '2fr' },
            ]}
          />
          <SectionErrors errors={errors} section="labels" />
        </FormSection>

        <div className="create-actions">
          <label className="rows-editor-check">
            <input
              type="checkbox"
              checked={start}
              disabled={!canStart}
              onChange={(event) => set('start', event.target.checked)}
            />
            Start after create{canStart ? '' : ' (needs the containers.operate permission)'}
          </label>
          <Button tone="primary" type="submit" busy={step !== undefined}>
            {step ?? 'Create container'}
          </Button>
        </div>
      </form>
    </div>
  );
}
