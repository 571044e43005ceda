/**
 * Settings → Embeddings: the `embeddings` section (docs/ai.md), the OpenAI-compatible
 * endpoint that vector fields with the `openai` embedder use (the `local` embedder needs
 * no settings). The API key is write-only, as SMTP's password: never returned, the
 * field starts empty, and it is sent only when something was typed.
 */
import { useState } from 'react';
import { FormField } from '../../components/FormField';
import { SettingsForm } from './SettingsForm';
import { useSettingsSection } from './useSettingsSection';

type Embeddings = { openaiUrl: string; openaiModel: string; openaiDimensions: number; openaiBatchSize: number; openaiTimeoutMs: number };

export function EmbeddingsSettings() {
  const form = useSettingsSection<Embeddings>('embeddings');
  const [apiKey, setApiKey] = useState('');
  const { value: v, set, errors } = form;
  const save = async () => {
    if (await form.save(apiKey ? { ...v, openaiApiKey: apiKey } : v)) setApiKey('');
  };
  return (
    <SettingsForm title="Embeddings" form={form} onSubmit={() => void save()}
      description="The OpenAI-compatible /v1/embeddings endpoint (OpenAI, Ollama, llama.cpp, vLLM) used by vector fields whose embedder is “openai”. The local embedder needs no settings.">
      {v && (
        <div className="settings-grid">
          <FormField label="Endpoint URL" value={v.openaiUrl} onChange={(e) => set({ openaiUrl: e.target.value })} error={errors.openaiUrl}
            hint="Up to and including /v1; /embeddings is appended." />
          <FormField label="Model" value={v.openaiModel} onChange={(e) => set({ openaiModel: e.target.value })} error={errors.openaiModel} />
          <FormField label="API key" type="password" autoComplete="new-password" value={apiKey} placeholder="unchanged"
            onChange={(e) => setApiKey(e.target.value)} error={errors.openaiApiKey} hint="Write-only: leave empty to keep the current key." />
          <FormField label="Dimensions asked of the model" type="number" min={0} max={4096} value={v.openaiDimensions}
            onChange={(e) => set({ openaiDimensions: Number(e.target.value) })} error={errors.openaiDimensions} hint="0 = the model's own size." />
          <FormField label="Batch size (texts per request)" type="number" min={1} max={2048} value={v.openaiBatchSize}
            onChange={(e) => set({ openaiBatchSize: Number(e.target.value) })} error={errors.openaiBatchSize} />
          <FormField label="Timeout (milliseconds)" type="number" min={100} max={600000} value={v.openaiTimeoutMs}
            onChange={(e) => set({ openaiTimeoutMs: Number(e.target.value) })} error={errors.openaiTimeoutMs} />
        </div>
      )}
    </SettingsForm>
  );
}
