import { type ChildProcessWithoutNullStreams, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** Whether valgrind's callgrind and its control tool are installed. */
export function hasCallgrind(): boolean {
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
    execFileSync('callgrind_control', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The instructions of one dump, split by who ran them. */
export interface Instructions {
  total: number;
  /** V8's garbage collector (scavenges, marking, sweeping, the write barrier while marking). */
  gc: number;
  /** V8's parsers and compilers: warm-up work that lands in a phase by chance, not a cost per call. */
  compiler: number;
}

const GC =
  /HeapObject::SizeFromMap|__popcountdi2|Marking|Marker|MarkCompact|Scaveng|Sweep|Evacuat|RememberedSet|SlotSet|PointersUpdat|GCTracer|GlobalHandles|IterateObjectCache|RootVisitor|BodyDescriptor|Builtins_RecordWrite|heap::base::|v8::internal::Heap::|MemoryChunk|MemoryAllocator|FreeList|ArrayBufferSweeper|CodeFlush/;
const COMPILER =
  /v8::internal::(compiler::|maglev::|baseline::|interpreter::|Parser|PreParser|ParserBase|Scanner|AstValueFactory|AstRawString|AstNodeFactory|DeclarationScope|Scope::|VariableMap|FunctionLiteral|Zone|Compiler::|OptimizedCompilationInfo|Assembler|MacroAssembler|SafepointTableBuilder|TranslationArrayBuilder|SourcePositionTableBuilder|CodeGenerator|Deoptimizer|ParseInfo|PerfectKeywordHash|Utf16CharacterStream|BytecodeArrayBuilder|HandlerTableBuilder|RelocIterator|UnoptimizedCompil|ExpressionScope|ScopeInfo|OptimizingCompileDispatcher)|Scanner::|ParserTypes/;

/**
 * Reads callgrind's dumps of one run, in order (names are compressed: a name is spelled out once,
 * in whichever dump first met it, and referred to by number after).
 */
export function dumpReader() {
  const names = new Map<string, string>();
  return (file: string): Instructions => {
    const out: Instructions = { total: 0, gc: 0, compiler: 0 };
    let kind: keyof Instructions = 'total';
    let inclusiveNext = false;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (inclusiveNext) {
        // The line after `calls=` is the callee's inclusive cost, already counted as its own.
        inclusiveNext = false;
        continue;
      }
      const named = /^c?fn=\((\d+)\)(?: (.*))?$/.exec(line);
      if (named) {
        if (named[2] !== undefined) names.set(named[1]!, named[2]);
        if (line.startsWith('fn=')) {
          const name = names.get(named[1]!) ?? '';
          kind = GC.test(name) ? 'gc' : COMPILER.test(name) ? 'compiler' : 'total';
        }
      } else if (line.startsWith('calls=')) inclusiveNext = true;
      else if (/^[0-9+\-*]/.test(line)) {
        const cost = Number(line.slice(line.lastIndexOf(' ') + 1));
        out.total += cost;
        if (kind !== 'total') out[kind] += cost;
      }
    }
    return out;
  };
}

/** valgrind's flags for a calls process: callgrind, counting off until the warm-up is over, dumps to `out`. */
export const callgrindFlags = (out: string) => [
  '--tool=callgrind',
  '--instr-atstart=no',
  `--callgrind-out-file=${out}`,
];

/**
 * Drives a calls process under callgrind (started with `--instr-atstart=no`, dumping to `out`) that
 * answers each line on stdin with one line: waits for its `ready` line (given back: it may carry
 * what the process set up), turns instrumentation on, and gives `phase(command)`, which runs one
 * command (a line for the process, or work of the driver's own: requests to a server it runs) and
 * counts it (the dump zeroes the counters): the program's own instructions (compilers and GC taken
 * out), and the GC's.
 */
export async function callgrindPhases(
  child: ChildProcessWithoutNullStreams,
  out: string,
  /** The driver's warm-up, uncounted (instrumentation still off), given the `ready` line. */
  warmUp?: (ready: string) => Promise<void>,
) {
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const line = async () => {
    const next = await lines.next();
    if (next.done) throw new Error(`the calls process ended early:\n${stderr.slice(-2000)}`);
    return next.value;
  };
  const control = (...args: string[]) =>
    execFileSync('callgrind_control', [...args, String(child.pid)], { stdio: 'ignore' });
  let dumps = 0;
  const read = dumpReader();
  const phase = async (command: string | (() => Promise<unknown>)): Promise<{ own: number; gc: number }> => {
    if (typeof command === 'string') {
      child.stdin.write(`${command}\n`);
      await line();
    } else await command();
    control('--dump');
    const { total, gc, compiler } = read(`${out}.${++dumps}`);
    return { own: total - gc - compiler, gc };
  };
  let ready = await line();
  while (ready !== 'ready' && !ready.startsWith('ready ')) ready = await line();
  await warmUp?.(ready);
  control('--instr=on');
  return { phase, ready };
}
