// Undo and redo without limit: a list of applied edits and a cursor. Pure, runs anywhere.

export class UndoStack<Edit> {
  private readonly edits: Edit[] = [];
  /** Edits before the cursor are applied; those after it were undone and can be redone. */
  private cursor = 0;

  /** Records an edit just applied; edits that were undone can no longer be redone. */
  push(edit: Edit): void {
    this.edits.length = this.cursor;
    this.edits.push(edit);
    this.cursor++;
  }

  /** The edit to revert, or undefined when there is none. */
  undo(): Edit | undefined {
    if (this.cursor === 0) return undefined;
    return this.edits[--this.cursor];
  }

  /** The edit to apply again, or undefined when there is none. */
  redo(): Edit | undefined {
    if (this.cursor === this.edits.length) return undefined;
    return this.edits[this.cursor++];
  }

  get canUndo(): boolean {
    return this.cursor > 0;
  }

  get canRedo(): boolean {
    return this.cursor < this.edits.length;
  }

  clear(): void {
    this.edits.length = 0;
    this.cursor = 0;
  }
}
