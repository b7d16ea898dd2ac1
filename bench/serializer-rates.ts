// The serializers' MB/s on the first 10,000 contacts of DATABASE_URL, in a process of its own
// (a fresh heap, as the gateway's process has), printed as JSON (`serializerRates`). One pass
// first, uncounted, as the gateway's warm exports follow cold ones: in a fresh process the
// first pass wrote JSON at 299 MB/s and the next three at 384–396. Run by `bench/exports.ts`,
// with `--expose-gc`.
import { readPage, serializerRates } from './exports.ts'

const page = await readPage(process.env.DATABASE_URL!)
serializerRates(page)
process.stdout.write(JSON.stringify(serializerRates(page)))
