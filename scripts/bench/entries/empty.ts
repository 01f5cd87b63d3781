// The host's share of a cold start: a function that only reads the body and answers. Node start,
// the ESM loader, the fixture file and the first Request/Response (undici loads lazily) cost the
// same for every function; subtracting this process isolates what each function adds.
/** Reads the request and answers 200 with its body. */
export default async (request: Request) => new Response(await request.text())
