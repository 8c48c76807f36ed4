/** Colours for states, shared by the timeline and the other views so one state reads the same everywhere. */
const STATE_COLORS: Record<string, string> = {
  // TCP states
  ESTAB: '#2f9e44',
  'SYN-SENT': '#74c0fc',
  'SYN-RECV': '#4dabf7',
  'FIN-WAIT-1': '#b197fc',
  'FIN-WAIT-2': '#5f3dc4',
  'TIME-WAIT': '#f08c00',
  CLOSE: '#868e96',
  'CLOSE-WAIT': '#e03131',
  'LAST-ACK': '#f783ac',
  LISTEN: '#adb5bd',
  CLOSING: '#cc5de8',
  // goroutine states
  running: '#0ca678',
  runnable: '#fab005',
  syscall: '#4dabf7',
  waiting: '#d0bfff',
  'blocked (sync)': '#e03131',
  'blocked (net)': '#1c7ed6',
  'blocked (chan/select)': '#f76707',
  'GC assist': '#9775fa',
  // goroutine analysis categories (shared/query/trace/trace-annotations.ts BREAKDOWN_LABELS), as the states above
  Execution: '#0ca678',
  'Scheduler wait': '#fab005',
  Syscall: '#4dabf7',
  'Syscall block': '#1971c2',
  'Sync block': '#e03131',
  'Network wait': '#1c7ed6',
  'GC assist/wait': '#9775fa',
  'Other wait': '#adb5bd',
  // user tasks on a trace's track
  task: '#0b7285',
  // others
  heap: '#7048e8',
  GC: '#9775fa',
  STW: '#e03131',
};
const FALLBACK = ['#15aabf', '#82c91e', '#fd7e14', '#be4bdb', '#495057', '#12b886', '#fa5252', '#4c6ef5'];

export function stateColor(name: string, i = 0): string {
  return STATE_COLORS[name] ?? FALLBACK[i % FALLBACK.length]!;
}
