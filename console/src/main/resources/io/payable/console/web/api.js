// The Console's JSON API. Errors come back as {"error": "..."}; they become Error messages.
async function call(method, path, body) {
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new Error('The Console server is not reachable: ' + e.message);
  }
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { /* not JSON */ }
  if (!response.ok) {
    // The Console answers {"error": "..."}; services it forwards to (ModelFactory, the worker)
    // answer {"error": {"code", "message"}}, as the OpenAI API does.
    const e = json && json.error;
    const message = e && typeof e === 'object' ? e.message || e.code : e;
    throw new Error(message || `${response.status} ${response.statusText}`);
  }
  return json;
}

export const api = {
  get: (path) => call('GET', path),
  post: (path, body) => call('POST', path, body),
  del: (path) => call('DELETE', path),
};
