/**
 * The CSV export button: a form posting the list's payload and the session's
 * token, answered with the file as a download (the page stays). A form, not
 * fetch: the browser streams the file to disk instead of holding it.
 */
import { EXPORT_ACTION, EXPORT_XLSX_ACTION, exportFormFields, type ExportPayload } from '../lib/export-csv.ts';
import { useI18n } from '../lib/i18n.tsx';
import { useSession } from '../lib/session.tsx';

export function ExportCsvButton({ payload, label, title }: { payload: ExportPayload; label: string; title: string }) {
  const { me } = useSession();
  const { t } = useI18n();
  const fields = exportFormFields(payload, me?.csrfToken ?? '');
  return (
    <form method="post" action={EXPORT_ACTION} className="inline-form">
      <input type="hidden" name="payload" value={fields.payload} />
      <input type="hidden" name="csrf" value={fields.csrf} />
      <button type="submit" data-testid="export-csv" title={title}>{label}</button>
      {/* The same payload to the workbook writer: the form's action is the button's. */}
      <button type="submit" formAction={EXPORT_XLSX_ACTION} data-testid="export-xlsx" title={t('export.xlsxHint')}>{t('export.xlsx')}</button>
    </form>
  );
}
