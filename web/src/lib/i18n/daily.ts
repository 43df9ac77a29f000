/** Daily work: exports for Excel, saved views, print, the compared period. */
export const zh = {
  'export.xlsx': '导出 Excel',
  'export.xlsxHint': '导出整份名单为 Excel 工作簿：数字、金额和日期可直接计算',
  'export.metric': '指标',
  'export.list': '清单',
  'export.owner': '员工',
  'export.range': '日期',
  'export.allDates': '全部',
  'export.dataDate': '数据日期',
};

export const en: Record<keyof typeof zh, string> = {
  'export.xlsx': 'Export Excel',
  'export.xlsxHint': 'Exports the whole list as an Excel workbook: numbers, money and dates ready to compute',
  'export.metric': 'Metric',
  'export.list': 'List',
  'export.owner': 'Employee',
  'export.range': 'Dates',
  'export.allDates': 'All',
  'export.dataDate': 'Data date',
};
