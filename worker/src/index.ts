import { ERROR_STATUS } from '../../sdk/contract/index.js';

export default {
  async fetch(): Promise<Response> {
    return Response.json({ error: 'Not found', code: 'NOT_FOUND' }, { status: ERROR_STATUS.NOT_FOUND });
  },
} satisfies ExportedHandler<Env>;
