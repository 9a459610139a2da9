/**
 * The module-level determinism gate: sections, imports, types, memories, tables, globals, exports and counts.
 * Instruction-level checks happen in analyzeFunction.ts, which reads the same schedule. Rejections are
 * `MeteringError`s whose codes are listed in metering/SPEC.md.
 * @module
 */
import { checkValtype } from './_valtypes.js';
import type { DecodedModule, FuncType } from './decodeModule.js';
import { MeteringError } from './errors.js';
import type { MeteringLimits } from './limits.js';

/** Import modules a contract may use: the host ABI, and AssemblyScript's abort. */
export const HOST_MODULE = 'gasket';
export const RESERVED_EXPORT_PREFIX = '__gasket';

export function gateModule(
  module: DecodedModule,
  limits: MeteringLimits,
  tooling: boolean,
  functionNames: ReadonlyMap<number, string>,
): void {
  const limit = (count: number, max: number, name: keyof MeteringLimits, what: string, section: string) => {
    if (count > max) {
      throw new MeteringError('LIMIT', `${what}: ${count} is over the limit of ${max} (${name})`, { section });
    }
  };
  if (module.hasTags) {
    throw new MeteringError('FEATURE', 'exception handling (tag section) is not supported', {
      section: 'tag',
      operation: 'tag',
    });
  }
  if (module.start !== undefined && !tooling) {
    throw new MeteringError(
      'START',
      'a start function is not allowed: it would run before gas can be set; export an `init` method instead',
      { section: 'start', functionIndex: module.start },
    );
  }

  limit(module.types.length, limits.maxTypes, 'maxTypes', 'types', 'type');
  // Only types with a value type other than i32 and i64 can fail a value-type check: the checks below look at those
  // alone, so a module of integer types builds no location or message (per function and per type, they were most
  // of the gate's time on small contracts).
  const integerOnly = module.types.map(hasIntegerTypesOnly);
  // Signatures first, so a float in a function's type is reported against that function.
  let functionIndex = 0;
  const checkSignature = (typeIndex: number) => {
    const type = module.types[typeIndex];
    if (type && !integerOnly[typeIndex]) {
      const location = { functionIndex, functionName: functionNames.get(functionIndex), operation: 'signature' };
      for (const v of type.params) checkValtype(v, tooling, 'a parameter', location);
      for (const v of type.results) checkValtype(v, tooling, 'a result', location);
    }
    functionIndex++;
  };
  for (const imp of module.imports) if (imp.kind === 'func') checkSignature(imp.typeIndex!);
  for (const typeIndex of module.functionTypes) checkSignature(typeIndex);
  module.types.forEach((type, index) => {
    if (type.params.length > limits.maxParams) {
      limit(type.params.length, limits.maxParams, 'maxParams', `parameters of type ${index}`, 'type');
    }
    if (type.results.length > limits.maxResults) {
      limit(type.results.length, limits.maxResults, 'maxResults', `results of type ${index}`, 'type');
    }
    if (integerOnly[index]) return;
    for (const v of type.params) checkValtype(v, tooling, `a parameter of type ${index}`, { section: 'type' });
    for (const v of type.results) checkValtype(v, tooling, `a result of type ${index}`, { section: 'type' });
  });

  limit(module.imports.length, limits.maxImports, 'maxImports', 'imports', 'import');
  for (const imp of module.imports) {
    const name = `${imp.module}.${imp.field}`;
    if (imp.kind === 'tag') {
      throw new MeteringError('FEATURE', 'exception handling (tag import) is not supported', {
        section: 'import',
        operation: `import ${name}`,
      });
    }
    if (tooling) continue;
    if (imp.kind !== 'func') {
      throw new MeteringError('IMPORT', `import ${name} is a ${imp.kind}: contracts may import only functions`, {
        section: 'import',
        operation: `import ${name}`,
        offset: imp.offset,
      });
    }
    if (imp.module !== HOST_MODULE && !(imp.module === 'env' && imp.field === 'abort')) {
      throw new MeteringError(
        'IMPORT',
        `import ${name} is not part of the host ABI: contracts may import functions of module "${HOST_MODULE}" and env.abort`,
        { section: 'import', operation: `import ${name}`, offset: imp.offset },
      );
    }
  }

  limit(
    module.importedFunctions + module.functionTypes.length,
    limits.maxFunctions,
    'maxFunctions',
    'functions',
    'function',
  );

  for (const table of module.tables) {
    if (!tooling && table.refType !== 0x70) {
      throw new MeteringError('FEATURE', 'only funcref tables are supported (reference types)', {
        section: 'table',
        operation: 'table',
        offset: table.offset,
      });
    }
    limit(table.limits.min, limits.maxTableSize, 'maxTableSize', 'table size', 'table');
  }

  const memoryImports = module.imports.filter((imp) => imp.kind === 'memory');
  const allMemories = [...memoryImports.map((imp) => imp.limits!), ...module.memories];
  if (allMemories.length === 0 && !tooling) {
    throw new MeteringError('NO_MEMORY', 'the module defines no memory: a contract must define and export one', {
      section: 'memory',
    });
  }
  if (allMemories.length > 1) {
    throw new MeteringError('FEATURE', 'multi-memory is not supported', { section: 'memory', operation: 'memory' });
  }
  for (const memory of allMemories) {
    if (memory.flags & 0x04) {
      throw new MeteringError('FEATURE', 'memory64 is not supported', { section: 'memory', operation: 'memory64' });
    }
    if (memory.flags & 0x02) {
      throw new MeteringError('ATOMICS', 'shared memory is not allowed in contracts', {
        section: 'memory',
        operation: 'shared memory',
      });
    }
  }
  for (const memory of module.memories) {
    limit(memory.min, limits.maxMemoryPages, 'maxMemoryPages', 'initial memory pages', 'memory');
  }

  limit(module.importedGlobals + module.globals.length, limits.maxGlobals, 'maxGlobals', 'globals', 'global');
  module.globals.forEach((global, index) => {
    checkValtype(global.valtype, tooling, `global ${module.importedGlobals + index}`, {
      section: 'global',
      offset: global.offset,
    });
  });

  limit(module.exports.length, limits.maxExports, 'maxExports', 'exports', 'export');
  for (const exp of module.exports) {
    if (exp.name.startsWith(RESERVED_EXPORT_PREFIX)) {
      throw new MeteringError(
        'RESERVED',
        `export "${exp.name}": names starting with ${RESERVED_EXPORT_PREFIX} are reserved`,
        {
          section: 'export',
          operation: `export ${exp.name}`,
        },
      );
    }
  }
  limit(module.dataSegments, limits.maxDataSegments, 'maxDataSegments', 'data segments', 'data');
  limit(module.elementSegments, limits.maxElementSegments, 'maxElementSegments', 'element segments', 'element');
}

function hasIntegerTypesOnly(type: FuncType): boolean {
  for (const v of type.params) if (v !== I32 && v !== I64) return false;
  for (const v of type.results) if (v !== I32 && v !== I64) return false;
  return true;
}

const I32 = 0x7f;
const I64 = 0x7e;
