export async function benchHttp() {}
