/**
 * The drop_frames / keep_frames patterns pprof attaches to every legacy profile it converts,
 * chosen by the profile's sample types: allocator frames for heap profiles, lock internals for
 * contention profiles, profiler signal-handler frames otherwise. They only ever match symbolized
 * frames (Java, or Go profiles whose `#` comments name the functions).
 */
import type { PprofValueType } from '../../model/pprof.ts';

const ALLOCATOR_FRAMES = [
  // POSIX and libc entry points
  'calloc', 'cfree', 'malloc', 'free', 'memalign', 'do_memalign', '(__)?posix_memalign', 'pvalloc', 'valloc', 'realloc',
  // tcmalloc
  'tcmalloc::.*', 'tc_calloc', 'tc_cfree', 'tc_malloc', 'tc_free', 'tc_memalign', 'tc_posix_memalign', 'tc_pvalloc',
  'tc_valloc', 'tc_realloc', 'tc_new', 'tc_delete', 'tc_newarray', 'tc_deletearray', 'tc_new_nothrow', 'tc_newarray_nothrow',
  // macOS zone allocator
  'malloc_zone_malloc', 'malloc_zone_calloc', 'malloc_zone_valloc', 'malloc_zone_realloc', 'malloc_zone_memalign', 'malloc_zone_free',
  // Go runtime
  'runtime\\..*',
  // other allocation routines
  'BaseArena::.*', '(::)?do_malloc_no_errno', '(::)?do_malloc_pages', '(::)?do_malloc', 'DoSampledAllocation',
  'MallocedMemBlock::MallocedMemBlock', '_M_allocate', '__builtin_(vec_)?delete', '__builtin_(vec_)?new',
  '__gnu_cxx::new_allocator::allocate', '__libc_malloc', '__malloc_alloc_template::allocate', 'allocate', 'cpp_alloc',
  'operator new(\\[\\])?', 'simple_alloc::allocate',
].join('|');

/** Go runtime frames that are real callers, not allocator internals. */
const ALLOCATOR_KEEP = 'runtime\\.panic';

export const CPU_PROFILER_DROP = [
  'ProfileData::Add', 'ProfileData::prof_handler', 'CpuProfiler::prof_handler', '__pthread_sighandler', '__restore',
].join('|');

const LOCK_FRAMES = [
  'RecordLockProfileData', '(base::)?RecordLockProfileData.*', '(base::)?SubmitMutexProfileData.*',
  '(base::)?SubmitSpinLockProfileData.*', '(Mutex::)?AwaitCommon.*', '(Mutex::)?Unlock.*', '(Mutex::)?UnlockSlow.*',
  '(Mutex::)?ReaderUnlock.*', '(MutexLock::)?~MutexLock.*', '(SpinLock::)?Unlock.*', '(SpinLock::)?SlowUnlock.*',
  '(SpinLockHolder::)?~SpinLockHolder.*',
].join('|');

const HEAP_TYPE_SETS = [
  ['allocations', 'size'],
  ['objects', 'space'],
  ['inuse_objects', 'inuse_space'],
  ['alloc_objects', 'alloc_space'],
  ['alloc_objects', 'alloc_space', 'inuse_objects', 'inuse_space'],
];

function typesAre(types: PprofValueType[], names: string[]): boolean {
  return types.length === names.length && types.every((t, i) => t.type === names[i]);
}

/** [dropFrames, keepFrames] for a legacy profile with these sample types. */
export function legacyFrameFilters(types: PprofValueType[]): [string, string] {
  if (HEAP_TYPE_SETS.some((s) => typesAre(types, s))) return [ALLOCATOR_FRAMES, ALLOCATOR_KEEP];
  if (typesAre(types, ['contentions', 'delay'])) return [LOCK_FRAMES, ''];
  return [CPU_PROFILER_DROP, ''];
}
