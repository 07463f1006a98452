// Chinese and English text of the page. The choice is remembered in localStorage (it is not a
// secret); tokens never go there.

const LANGUAGE_KEY = "basin-ledger.language";

const TEXT = {
  zh: {
    title: "京冀水质生态补偿账本",
    subtitle: "只读看板：流域、断面、结算与浏览器内验证",
    language_toggle: "English",
    token_label: "访问令牌",
    token_placeholder: "blt_…（仅保存在本标签页的 sessionStorage）",
    token_save: "使用",
    token_forget: "清除",
    token_saved: "令牌已保存在本标签页。",
    token_missing: "请先输入访问令牌（任何角色均可只读）。",
    nav_overview: "总览",
    basins: "流域与断面（示意图）",
    basins_note: "每个断面按其最近一个有数据月份（选定年份时为该年内）的水质类别着色，外环为考核目标，✓/✗ 表示该月是否达标。",
    year: "年份",
    legend: "图例",
    no_data: "无数据",
    target: "目标",
    ring_target: "外环颜色 = 目标类别",
    attained: "达标",
    not_attained: "未达标",
    latest_month: "最近月份",
    flow_direction: "水流方向",
    settlements: "结算",
    settlement: "结算单",
    settlements_unavailable: "本服务器尚未提供结算接口。",
    no_settlements: "暂无结算。",
    balances: "余额",
    balances_unavailable: "本服务器尚未提供余额接口。",
    jurisdiction: "行政区",
    log: "审计日志（最近条目）",
    log_entry: "日志条目",
    verify_entry: "验证",
    period: "期间",
    agreement: "协议",
    status: "状态",
    payer: "付款方",
    payee: "收款方",
    amount: "金额",
    net: "净额",
    issued_at: "签发时间",
    components: "组成部分",
    kind: "类型",
    section: "断面",
    payments: "付款",
    acknowledgements: "确认",
    disputes: "争议",
    reference: "凭证号",
    paid_at: "付款时间",
    reason: "理由",
    none: "无",
    river: "河流",
    basin: "流域",
    water_body: "水体",
    river_body: "河流",
    lake_body: "湖库",
    upstream: "上游",
    downstream: "下游",
    monthly_classes: "逐月水质类别",
    chart_title: "主要指标月均值与 GB 3838 类别限值",
    tn_note: "* 总氮单独评价，不参与断面水质类别评定（GB 3838-2002）。",
    month: "月份",
    samples: "样本数",
    class: "类别",
    previous_year: "上一年",
    next_year: "下一年",
    loading: "加载中…",
    error: "出错",
    not_found: "未找到",
    status_issued: "已签发",
    status_acknowledged: "已确认",
    status_disputed: "有争议",
    status_paid: "已付清",
    status_superseded: "已被替代",
    verification: "浏览器内验证",
    verification_note: "以下检查均在本浏览器中用 WebCrypto 完成，不依赖服务器的验证接口。",
    verified: "已验证",
    verification_failed: "验证失败",
    checking: "验证中…",
    unavailable: "无法验证",
    insecure_context:
      "本页面不在安全上下文中（需 HTTPS 或 localhost），浏览器不提供 WebCrypto，因此没有进行任何验证。请通过 HTTPS 或在本机（localhost）打开。",
    check_ledger_key: "账本公钥（/v1/keys，密钥 ID 由来源名和公钥重新计算）",
    check_checkpoint_signature: "检查点的 Ed25519 签名（C2SP signed note）",
    check_leaf_hash: "叶子哈希 SHA-256(0x00 ‖ 叶子字节)",
    check_leaf_content: "叶子内容（规范 JSON，序号、类型与正文与显示一致）",
    check_inclusion_proof: "包含证明（RFC 6962 / RFC 9162）通向检查点的根",
    check_consistency: "与本浏览器此前验证的检查点一致（一致性证明）",
    check_document_hash: "结算文书哈希 SHA-256(JCS(文书))",
    check_settlement_matches_log: "显示的结算与日志中的文书一致",
    check_settlement_signature: "账本对结算的 Ed25519 签名",
    check_evidence: "获取证据",
    entry_kind: "类型",
    entry_time: "时间",
    entry_body: "正文",
    open_settlement: "查看结算",
  },
  en: {
    title: "Beijing–Hebei water-quality compensation ledger",
    subtitle: "Read-only dashboard: basins, sections, settlements, verified in your browser",
    language_toggle: "中文",
    token_label: "Access token",
    token_placeholder: "blt_… (kept in this tab's sessionStorage only)",
    token_save: "Use",
    token_forget: "Forget",
    token_saved: "Token kept for this tab.",
    token_missing: "Enter an access token first (any role may read).",
    nav_overview: "Overview",
    basins: "Basins and sections (schematic)",
    basins_note: "Each section is coloured by its class in its latest month with data (within the year, when a year is chosen), ringed in its target's colour; ✓/✗ says whether that month met the target.",
    year: "Year",
    legend: "Legend",
    no_data: "no data",
    target: "target",
    ring_target: "ring colour = target class",
    attained: "attained",
    not_attained: "not attained",
    latest_month: "latest month",
    flow_direction: "flow",
    settlements: "Settlements",
    settlement: "Settlement",
    settlements_unavailable: "This server does not offer settlements yet.",
    no_settlements: "No settlements yet.",
    balances: "Balances",
    balances_unavailable: "This server does not offer balances yet.",
    jurisdiction: "Jurisdiction",
    log: "Audit log (latest entries)",
    log_entry: "Log entry",
    verify_entry: "verify",
    period: "Period",
    agreement: "Agreement",
    status: "Status",
    payer: "Payer",
    payee: "Payee",
    amount: "Amount",
    net: "Net",
    issued_at: "Issued at",
    components: "Components",
    kind: "Kind",
    section: "Section",
    payments: "Payments",
    acknowledgements: "Acknowledgements",
    disputes: "Disputes",
    reference: "Reference",
    paid_at: "Paid at",
    reason: "Reason",
    none: "none",
    river: "River",
    basin: "Basin",
    water_body: "Water body",
    river_body: "river",
    lake_body: "lake or reservoir",
    upstream: "Upstream",
    downstream: "Downstream",
    monthly_classes: "Class by month",
    chart_title: "Monthly means of the main parameters against the GB 3838 class limits",
    tn_note: "* Total nitrogen is assessed on its own and does not set the section's class (GB 3838-2002).",
    month: "Month",
    samples: "samples",
    class: "Class",
    previous_year: "previous year",
    next_year: "next year",
    loading: "Loading…",
    error: "Error",
    not_found: "Not found",
    status_issued: "issued",
    status_acknowledged: "acknowledged",
    status_disputed: "disputed",
    status_paid: "paid",
    status_superseded: "superseded",
    verification: "Verified in this browser",
    verification_note: "Every check below ran in this browser with WebCrypto; the server's verification endpoint was not used.",
    verified: "verified",
    verification_failed: "verification failed",
    checking: "checking…",
    unavailable: "cannot verify here",
    insecure_context:
      "This page is not in a secure context (HTTPS or localhost), so the browser offers no WebCrypto and nothing was verified. Open it over HTTPS, or on this machine at localhost.",
    check_ledger_key: "Ledger key (/v1/keys; key id recomputed from origin and key)",
    check_checkpoint_signature: "Checkpoint Ed25519 signature (C2SP signed note)",
    check_leaf_hash: "Leaf hash SHA-256(0x00 ‖ leaf bytes)",
    check_leaf_content: "Leaf content (canonical JSON; index, kind and body as shown)",
    check_inclusion_proof: "Inclusion proof (RFC 6962 / RFC 9162) to the checkpoint root",
    check_consistency: "Consistent with the checkpoint this browser verified before",
    check_document_hash: "Settlement document hash SHA-256(JCS(document))",
    check_settlement_matches_log: "The settlement shown is the document in the log",
    check_settlement_signature: "The ledger's Ed25519 signature on the settlement",
    check_evidence: "Fetching the evidence",
    entry_kind: "Kind",
    entry_time: "Time",
    entry_body: "Body",
    open_settlement: "open the settlement",
  },
};

const MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function initialLanguage() {
  const stored = globalThis.localStorage && localStorage.getItem(LANGUAGE_KEY);
  if (stored === "zh" || stored === "en") return stored;
  return (globalThis.navigator?.language || "zh").toLowerCase().startsWith("en") ? "en" : "zh";
}

let language = initialLanguage();

export function currentLanguage() {
  return language;
}

export function setLanguage(next) {
  language = next === "en" ? "en" : "zh";
  localStorage.setItem(LANGUAGE_KEY, language);
  document.documentElement.lang = language === "zh" ? "zh-CN" : "en";
}

/** The text for `key` in the current language (the key itself when there is none). */
export function t(key) {
  return TEXT[language][key] ?? TEXT.en[key] ?? key;
}

/** "7月" or "Jul" for month 1..12. */
export function monthName(month) {
  return language === "zh" ? `${month}月` : MONTHS_EN[month - 1];
}

/** A parameter's name from gb3838.json in the current language. */
export function parameterName(definition) {
  return language === "zh" ? definition.zh : definition.en;
}
