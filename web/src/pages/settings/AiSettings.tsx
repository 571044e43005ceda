/**
 * Settings → AI answers: the `ai` section (docs/ai.md), the OpenAI-compatible
 * /v1/chat/completions endpoint the ask endpoint calls, its limits and the system
 * prompt. The API key is write-only (never returned; sent only when typed). A server
 * without the section says so instead of a form.
 */
import { useId, useState } from 'react';
import { FormField } from '../../components/FormField';
import { SettingsForm } from './SettingsForm';
import { useSettingsSection } from './useSettingsSection';

type Ai = {
  chatUrl: string; chatModel: string; chatTimeoutMs: number; maxOutputTokens: number; temperature: number;
  maxQuestionLength: number; maxContextChars: number; systemPrompt: string;
};

export function AiSettings() {
  const form = useSettingsSection<Ai>('ai');
  const [apiKey, setApiKey] = useState('');
  const promptId = useId();
  const { value: v, set, errors } = form;
  const save = async () => {
    if (await form.save(apiKey ? { ...v, chatApiKey: apiKey } : v)) setApiKey('');
  };
  const number = (key: keyof Ai) => (e: { target: { value: string } }) => set({ [key]: Number(e.target.value) } as Partial<Ai>);
  return (
    <SettingsForm title="AI answers" form={form} onSubmit={() => void save()}
      description="The chat model behind POST /api/collections/{collection}/ask: any OpenAI-compatible /v1/chat/completions endpoint.">
      {v && (
        <>
          <div className="settings-grid">
            <FormField label="Chat endpoint URL" value={v.chatUrl} onChange={(e) => set({ chatUrl: e.target.value })} error={errors.chatUrl}
              hint="Up to and including /v1; /chat/completions is appended." />
            <FormField label="Chat model" value={v.chatModel} onChange={(e) => set({ chatModel: e.target.value })} error={errors.chatModel} />
            <FormField label="Chat API key" type="password" autoComplete="new-password" value={apiKey} placeholder="unchanged"
              onChange={(e) => setApiKey(e.target.value)} error={errors.chatApiKey} hint="Write-only: leave empty to keep the current key." />
            <FormField label="Timeout (milliseconds)" type="number" min={1} value={v.chatTimeoutMs} onChange={number('chatTimeoutMs')} error={errors.chatTimeoutMs} />
            <FormField label="Max output tokens" type="number" min={1} value={v.maxOutputTokens} onChange={number('maxOutputTokens')} error={errors.maxOutputTokens} />
            <FormField label="Temperature" type="number" min={0} max={2} step={0.1} value={v.temperature} onChange={number('temperature')} error={errors.temperature} />
            <FormField label="Max question length (characters)" type="number" min={1} value={v.maxQuestionLength} onChange={number('maxQuestionLength')} error={errors.maxQuestionLength} />
            <FormField label="Max context (characters of passages)" type="number" min={1} value={v.maxContextChars} onChange={number('maxContextChars')} error={errors.maxContextChars} />
          </div>
          <div className="form-field">
            <label htmlFor={promptId}>System prompt</label>
            <textarea id={promptId} rows={5} value={v.systemPrompt} onChange={(e) => set({ systemPrompt: e.target.value })}
              aria-invalid={errors.systemPrompt ? true : undefined} aria-describedby={`${promptId}-hint`} />
            <span id={`${promptId}-hint`} className="muted">The passages reach the model as quoted data after this instruction, numbered for [n] citations.</span>
            {errors.systemPrompt && <span className="error field-error">{errors.systemPrompt}</span>}
          </div>
        </>
      )}
    </SettingsForm>
  );
}
