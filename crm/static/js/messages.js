// The words the offline scripts show, in the page's language (<html lang>).
// Templates translate through gettext; scripts cannot, so both languages are kept here.

const ZH = {
  saved: "已保存",
  savedWithWarnings: "已保存。提示：{warnings}",
  savedOffline: "已离线保存，联网后自动发送（{count}条待发送）",
  expired: "登录已过期，请重新登录后自动发送",
  expiredQueued: "已保存在本机。登录已过期，请重新登录后自动发送（{count}条待发送）",
  serverBusy: "服务器暂时无法接收，稍后自动重试",
  refused: "服务器未接收这条记录：{message}",
  refusedStatus: "服务器拒绝了这条记录（{status}）",
  photoNotSent: "{enterprise}的拜访已保存，但照片 {name} 未能上传：{message}",
  followUpQueued: "已在本机记录，联网后自动发送",
  followUpDone: "已完成跟进：{enterprise}",
  followUpRefused: "服务器未接收：{message}",
  followUpItem: "完成跟进：{enterprise}",
  enterpriseRequired: "请填写企业名称",
  dateRequired: "请填写拜访日期",
  visitedOnInvalid: "拜访日期请按 YYYY-MM-DD 填写",
  followUpOnInvalid: "跟进日期请按 YYYY-MM-DD 填写",
  pickDate: "选择日期",
  photoType: "照片只能是 JPEG 或 PNG 格式：{name}",
  photoSize: "照片不能超过 10 MB：{name}",
  noStorage: "此浏览器无法在本机保存记录，将直接提交",
  saving: "正在保存…",
  otherUser: "这条记录由另一位用户在本机保存，需其本人登录后才会发送",
  remove: "删除",
  removeConfirm: "确定删除这条未发送的拜访记录吗？删除后无法恢复。",
  photos: "{count}张照片",
  details: "（{details}）",
  separator: "；",
};

const EN = {
  saved: "Saved",
  savedWithWarnings: "Saved. Note: {warnings}",
  savedOffline: "Saved on this device; it will be sent when online ({count} waiting)",
  expired: "Your session has ended: sign in again and waiting visits are sent",
  expiredQueued: "Saved on this device. Your session has ended: sign in again to send ({count} waiting)",
  serverBusy: "The server cannot take it right now; it will be retried",
  refused: "The server did not accept this visit: {message}",
  refusedStatus: "The server refused this visit ({status})",
  photoNotSent: "The visit to {enterprise} was saved, but the photo {name} was not: {message}",
  followUpQueued: "Kept on this device; sent when online",
  followUpDone: "Follow-up done: {enterprise}",
  followUpRefused: "The server did not accept it: {message}",
  followUpItem: "Follow-up done: {enterprise}",
  enterpriseRequired: "Enter the enterprise's name",
  dateRequired: "Enter the date of the visit",
  visitedOnInvalid: "Enter the date of the visit as YYYY-MM-DD",
  followUpOnInvalid: "Enter the follow-up date as YYYY-MM-DD",
  pickDate: "Choose a date",
  photoType: "Photos must be JPEG or PNG: {name}",
  photoSize: "A photo may be at most 10 MB: {name}",
  noStorage: "This browser cannot keep visits on the device; sending directly",
  saving: "Saving…",
  otherUser: "Saved on this device by another user; it is sent when they sign in",
  remove: "Delete",
  removeConfirm: "Delete this unsent visit? It cannot be restored.",
  photos: "{count} photo(s)",
  details: " ({details})",
  separator: "; ",
};

/** Return the text for key in the page's language, with {name} placeholders filled in. */
export function t(key, values = {}) {
  const english = (globalThis.document?.documentElement.lang || "").startsWith("en");
  const text = (english ? EN : ZH)[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (match, name) => (name in values ? String(values[name]) : match));
}
