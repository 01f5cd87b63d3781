// Card 3, "Notes on the hub": the note form, the stored notes and the thread they live in.
import type { Note } from './notes.ts'

/** The notes card's elements in index.html. */
export interface NotesElements {
  noteForm: HTMLFormElement
  noteText: HTMLInputElement
  saveNote: HTMLButtonElement
  notesEmpty: HTMLElement
  notes: HTMLOListElement
  threadId: HTMLElement
}

/** The notes card. */
export interface NotesView {
  showNotes(notes: readonly Note[]): void
  /** The thread id, or none yet. */
  showThread(threadId?: string): void
  /** Back to "not logged in": no notes, no thread. */
  clear(): void
  setEnabled(enabled: boolean): void
  /** Empties and focuses the input after a save. */
  resetInput(): void
  focusInput(): void
}

/**
 * Renders the notes card; `onSave` gets the trimmed text of each non-empty submission.
 *
 * @example
 * const notes = createNotesView({ elements, onSave: (text) => void save(text), announce })
 */
export function createNotesView(options: {
  elements: NotesElements
  onSave: (text: string) => void
  /** Tells the user why nothing happened (an empty note). */
  announce: (text: string) => void
}): NotesView {
  const ui = options.elements

  ui.noteForm.addEventListener('submit', (event) => {
    event.preventDefault()
    if (ui.noteText.disabled) return
    const text = ui.noteText.value.trim()
    if (!text) {
      options.announce('Write something first.')
      ui.noteText.focus()
      return
    }
    options.onSave(text)
  })

  const showThread = (threadId?: string) => {
    ui.threadId.textContent = threadId ?? 'none yet'
  }

  return {
    showNotes: (notes) => {
      ui.notes.replaceChildren(...notes.map(noteItem))
      ui.notesEmpty.textContent = notes.length === 0 ? 'No notes yet: write the first one.' : ''
      ui.notesEmpty.hidden = notes.length > 0
    },
    showThread,
    clear: () => {
      ui.notes.replaceChildren()
      ui.notesEmpty.textContent = 'Log in to read and write notes.'
      ui.notesEmpty.hidden = false
      showThread()
    },
    setEnabled: (enabled) => {
      ui.noteText.disabled = !enabled
      ui.saveNote.disabled = !enabled
    },
    resetInput: () => {
      ui.noteText.value = ''
    },
    focusInput: () => ui.noteText.focus(),
  }
}

function noteItem(note: Note): HTMLLIElement {
  const item = document.createElement('li')
  const text = document.createElement('span')
  text.textContent = note.text
  const time = document.createElement('time')
  time.dateTime = note.createdAt
  time.textContent = new Date(note.createdAt).toLocaleString()
  item.append(text, time)
  return item
}
