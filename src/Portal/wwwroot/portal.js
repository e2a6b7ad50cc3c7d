// Copies a secret to the clipboard; the page says whether it worked, since browsers may refuse.
window.igwPortal = {
  copy: async function (text) {
    try { await navigator.clipboard.writeText(text); return true; } catch { return false; }
  }
};
