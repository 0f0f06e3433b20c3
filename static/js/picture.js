// The server's picture of a cached comparison's curves (#chart-picture, in the loss chart's box):
// on a phone's slow link it comes first, and plotly's and the stream's bytes follow once it has
// loaded (or failed), so every curve shows within the first seconds.
export function pictureSettled() {
  const picture = document.getElementById("chart-picture");
  if (!picture || picture.complete) return Promise.resolve();
  return new Promise((resolve) => {
    picture.addEventListener("load", resolve, { once: true });
    picture.addEventListener("error", resolve, { once: true });
  });
}
