// stopLab: stop the sshd of a lab directory (TERM, then KILL) and remove its pid file.
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PogoError } from '../../model/index.ts';
import { labPaths } from './lab.ts';
import { isLabSshd, readLabPid } from './lab-pid.ts';
import { stopSshd } from './sshd-process.ts';

/**
 * Stop the lab in `dir`, started by this or another process: TERM its sshd, wait for it to exit (KILL
 * after 5 s) and remove DIR/pid. The lab's files stay. LAB_NOT_RUNNING when no lab runs there.
 */
export async function stopLab(dir: string): Promise<void> {
  const paths = labPaths(resolve(dir));
  const pid = await readLabPid(paths);
  if (pid === undefined) {
    throw new PogoError('LAB_NOT_RUNNING', `no lab is running in ${paths.dir} (no ${paths.pidFile})`, {
      hint: `start one with: pogo lab up --hosts N --dir ${paths.dir}`,
    });
  }
  if (!isLabSshd(pid, paths)) {
    await rm(paths.pidFile, { force: true });
    throw new PogoError(
      'LAB_NOT_RUNNING',
      `the lab in ${paths.dir} is not running: its sshd (pid ${pid}) has exited`,
      { hint: `see ${paths.log} for why; start it again with: pogo lab up --hosts N --dir ${paths.dir}` },
    );
  }
  if (!(await stopSshd(pid))) {
    throw new PogoError(
      'LAB_STOP_FAILED',
      `sshd of the lab in ${paths.dir} (pid ${pid}) did not exit after KILL`,
    );
  }
  await rm(paths.pidFile, { force: true });
}
