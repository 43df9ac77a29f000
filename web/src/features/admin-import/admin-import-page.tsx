/**
 * /admin/import (admins): upload a brand's files, read the check report as
 * tables (files, rows per entity, every problem with file, line, column,
 * value and reason, warnings, OneID merges), confirm; then the history of
 * imports. The server runs the same code as `npm run import`.
 */
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { api, ApiError, type ImportProblem, type ImportReport, type ImportRun } from '../../lib/api.ts';
import { useI18n, type MessageKey } from '../../lib/i18n.tsx';

type Upload = Array<{ name: string; content: string }>;

async function toBase64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function Table({ head, rows, testId }: { head: ReactNode[]; rows: ReactNode[][]; testId: string }) {
  return (
    <div className="table-wrap">
      <table className="data-table" data-testid={testId}>
        <thead><tr>{head.map((h, i) => <th key={i}>{h}</th>)}</tr></thead>
        <tbody>{rows.map((r, i) => <tr key={i}>{r.map((c, j) => <td key={j}>{c}</td>)}</tr>)}</tbody>
      </table>
    </div>
  );
}

function Report({ report }: { report: ImportReport }) {
  const { t, lang } = useI18n();
  const entity = (e: string) => t(`adminImport.entity.${e}` as MessageKey);
  const reason = (p: { reason: { zh: string; en: string } }) => (lang === 'en' ? p.reason.en : p.reason.zh);
  const problemRows = (list: ImportProblem[]) => list.map((p) => [p.file, p.line ?? '', p.column ?? '', p.value ?? '', reason(p)]);
  const problemHead = [t('adminImport.col.file'), t('adminImport.col.line'), t('adminImport.col.column'), t('adminImport.col.value'), t('adminImport.col.reason')];
  return (
    <>
      <p className={report.result === 'refused' ? 'note state-error' : 'note'} data-testid="import-result" data-result={report.result}>
        {report.result === 'refused' ? t('adminImport.refused', { n: report.problems.length })
          : report.result === 'checked' ? t('adminImport.checked') : t('adminImport.imported', { asOf: report.asOf ?? '' })}
      </p>
      {report.problems.length > 0 && (
        <section className="panel"><h2>{t('adminImport.problems')}</h2><Table testId="import-problems" head={problemHead} rows={problemRows(report.problems)} /></section>
      )}
      {report.warnings.length > 0 && (
        <section className="panel"><h2>{t('adminImport.warnings')}</h2><Table testId="import-warnings" head={problemHead} rows={problemRows(report.warnings)} /></section>
      )}
      {report.merges.length > 0 && (
        <section className="panel"><h2>{t('adminImport.merges')}</h2><Table testId="import-merges" head={[t('adminImport.col.reason')]} rows={report.merges.map((m) => [reason(m)])} /></section>
      )}
      <section className="panel">
        <h2>{t('adminImport.files')}</h2>
        <Table testId="import-files-table" head={[t('adminImport.col.file'), t('adminImport.col.entity'), t('adminImport.col.encoding'), t('adminImport.col.rows')]}
          rows={report.files.map((f) => [f.file, entity(f.entity), f.encoding, f.rows])} />
      </section>
      {Object.keys(report.entities).length > 0 && (
        <section className="panel">
          <h2>{t('adminImport.entities')}</h2>
          <Table testId="import-entities" head={[t('adminImport.col.entity'), t('adminImport.col.rows'), t('adminImport.col.inserted'), t('adminImport.col.updated'), t('adminImport.col.unchanged')]}
            rows={Object.entries(report.entities).map(([e, c]) => [entity(e), c.rows, c.inserted, c.updated, c.unchanged])} />
        </section>
      )}
    </>
  );
}

function History({ runs }: { runs: ImportRun[] | null }) {
  const { t, lang } = useI18n();
  if (runs === null) return null;
  if (runs.length === 0) return <p className="muted">{t('adminImport.noHistory')}</p>;
  const entity = (e: string) => t(`adminImport.entity.${e}` as MessageKey);
  return (
    <Table testId="import-history"
      head={[t('adminImport.col.when'), t('adminImport.col.who'), t('adminImport.files'), t('adminImport.entities'), t('adminImport.col.result')]}
      rows={runs.map((r) => [
        new Date(r.started_at).toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN'),
        `${r.username} (${r.source})`,
        r.files.map((f) => f.file).join(', '),
        Object.entries(r.entities).map(([e, c]) => `${entity(e)} ${c.inserted}/${c.updated}/${c.unchanged}`).join(' · '),
        t(`adminImport.result.${r.result}` as MessageKey) + (r.problems ? ` (${r.problems})` : ''),
      ])} />
  );
}

export function AdminImportPage() {
  const { t } = useI18n();
  const [upload, setUpload] = useState<Upload | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [busy, setBusy] = useState<'checking' | 'importing' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [runs, setRuns] = useState<ImportRun[] | null>(null);
  const loadRuns = useCallback(() => {
    api.importRuns().then((r) => setRuns(r.runs), () => setRuns([]));
  }, []);
  useEffect(loadRuns, [loadRuns]);

  const send = async (files: Upload, check: boolean): Promise<void> => {
    setBusy(check ? 'checking' : 'importing');
    setError(null);
    try {
      setReport(await api.importFiles(files, check));
    } catch (e) {
      setReport(null);
      setError(t('adminImport.failed', { message: e instanceof ApiError ? e.message : String(e) }));
    } finally {
      setBusy(null);
      loadRuns();
    }
  };
  const choose = async (list: FileList | null): Promise<void> => {
    if (!list || list.length === 0) return;
    const files = await Promise.all([...list].map(async (f) => ({ name: f.name, content: await toBase64(f) })));
    setUpload(files);
    await send(files, true);
  };

  return (
    <div className="page">
      <div className="page-head"><h1>{t('adminImport.title')}</h1></div>
      <p className="muted small">{t('adminImport.intro')}</p>
      <section className="panel">
        <label className="button">
          {t('adminImport.choose')}{' '}
          <input type="file" multiple accept=".csv,.tsv,.xlsx" data-testid="import-files" disabled={busy !== null}
            onChange={(e) => { void choose(e.currentTarget.files); }} />
        </label>{' '}
        <button type="button" data-testid="import-confirm" disabled={busy !== null || !upload || report?.result !== 'checked'}
          onClick={() => { if (upload) void send(upload, false); }}>
          {t('adminImport.confirm')}
        </button>
        {busy && <span className="muted" role="status"> {t(busy === 'checking' ? 'adminImport.checking' : 'adminImport.importing')}</span>}
        {error && <p className="state-error" data-testid="import-error">{error}</p>}
      </section>
      {report && <Report report={report} />}
      <section className="panel">
        <h2>{t('adminImport.history')}</h2>
        <History runs={runs} />
      </section>
    </div>
  );
}
