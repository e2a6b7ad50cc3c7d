// Copies a secret to the clipboard; the page says whether it worked, since browsers may refuse.
// Downloads text made in the page as a file: the blob lives in this tab only and is released at once, so a secret
// in it never passes through a server.
window.igwPortal = {
  copy: async function (text) {
    try { await navigator.clipboard.writeText(text); return true; } catch { return false; }
  },
  download: function (fileName, contentType, text) {
    const url = URL.createObjectURL(new Blob([text], { type: contentType }));
    const link = document.createElement('a');
    link.href = url;
    link.download = fileName;
    document.body.appendChild(link);
    link.click();
    link.remove();
    URL.revokeObjectURL(url);
  }
};

// Saves a document the control plane rendered (an invoice's CSV or PDF, a usage CSV), streamed from the circuit as bytes.
window.igwPortal.downloadStream = async function (fileName, contentType, streamReference) {
  const buffer = await streamReference.arrayBuffer();
  const url = URL.createObjectURL(new Blob([buffer], { type: contentType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
};
