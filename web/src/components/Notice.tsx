/** The outcome of an action: a success notice (status) or an error (alert). */
import './form-field.css';
export function Notice({ success, error }: { success?: string; error?: string }) {
  if (error) return <p role="alert" className="error notice">{error}</p>;
  if (success) return <p role="status" className="notice notice-success">{success}</p>;
  return null;
}
