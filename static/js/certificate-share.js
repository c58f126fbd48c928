// "Chia sẻ" on the certificate page: the phone's share sheet (navigator.share) with the certificate picture when
// files can be shared, else its verification link; the button stays hidden where the browser cannot share.
(() => {
  const button = document.getElementById("share-certificate");
  if (!button || typeof navigator.share !== "function") return;
  button.hidden = false;
  button.addEventListener("click", async () => {
    const { title, text, url, file, name } = button.dataset;
    try {
      let data = { title, text, url };
      if (typeof navigator.canShare === "function" && typeof File === "function") {
        const response = await fetch(file, { credentials: "same-origin" });
        const picture = new File([await response.blob()], name, { type: "image/png" });
        if (navigator.canShare({ files: [picture] })) data = { title, text, files: [picture] };
      }
      await navigator.share(data);
    } catch (error) {
      if (error && error.name !== "AbortError") window.location.href = file;  // sharing failed: save it instead
    }
  });
})();
