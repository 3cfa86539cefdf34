import { describe, expect, it } from 'vitest';
import { tabwrite } from './tabwriter.js';

describe('tabwrite (Go tabwriter: tabwidth 8, padding 1, tab padding)', () => {
  it('aligns a column over consecutive lines, to the next multiple of 8 past the widest cell', () => {
    expect(tabwrite('\tget\tGets\n\tmember add\tAdds\n')).toBe('\tget\t\tGets\n\tmember add\tAdds\n');
  });

  it('a line without the column ends the block; the last cell of a line is never padded', () => {
    expect(tabwrite('  --a=1\tx\nOPTIONS:\n  --long-name=1\ty\n')).toBe('  --a=1\tx\nOPTIONS:\n  --long-name=1\ty\n');
  });

  it('a cell exactly 8 wide takes a whole tab stop more (padding 1)', () => {
    expect(tabwrite('12345678\tx\nab\ty\n')).toBe('12345678\tx\nab\t\ty\n');
  });

  it('nested columns: an empty cell is padded to one tab', () => {
    expect(tabwrite('\tline\n\t\tsource x\n')).toBe('\tline\n\t\tsource x\n');
  });
});
