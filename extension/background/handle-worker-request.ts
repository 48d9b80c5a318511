import type { PygboxStore } from '../../shared/store/pygbox-store.ts';
import type { WorkerRequest } from '../messages/worker-protocol.ts';
import type { DumpController } from './dump-controller.ts';

export interface WorkerParts {
  store: () => Promise<PygboxStore>;
  dump: DumpController;
}

/** Routes one parsed request to the part that owns it; the reply is checked by the sender. */
export async function handleWorkerRequest(request: WorkerRequest, parts: WorkerParts): Promise<unknown> {
  switch (request.type) {
    case 'captures': {
      const store = await parts.store();
      const summary = await store.addCaptures(request.records);
      return {
        captures: summary.captures,
        chats: summary.chats,
        newMessages: summary.newMessages,
        problems: summary.problems.length,
      };
    }
    case 'status': {
      const [store, dump] = await Promise.all([parts.store(), parts.dump.resumeInterrupted()]);
      return { counts: await store.counts(), dump };
    }
    case 'dump-start':
      return parts.dump.start(request.scope);
    case 'dump-cancel':
      return parts.dump.cancel();
    case 'dump-wake':
      return parts.dump.resumeInterrupted();
  }
}
