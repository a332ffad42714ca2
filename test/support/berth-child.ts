// `berth` from source in a child process of its own, for tests that need a real process: signals
// (Ctrl-C), exit codes. BERTH_TEST_PROGRESS=1 makes it draw progress as on a terminal, so a test can
// wait for the work to start before it interrupts it.
import { nodeIo, runCli } from '../../electron/doors/cli/cli'

const io = { ...nodeIo(), isTty: process.env.BERTH_TEST_PROGRESS === '1' }
process.exitCode = await runCli(process.argv.slice(2), io)
