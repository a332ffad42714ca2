// Short confirmations ("Copied docker pull …") and non-blocking failures; each dismisses itself.
import { create } from 'zustand'

export interface Toast {
  id: number
  kind: 'info' | 'success' | 'error'
  title: string
  detail?: string
}

interface ToastStore {
  toasts: Toast[]
  show: (toast: Omit<Toast, 'id'>) => void
  dismiss: (id: number) => void
}

let nextId = 1
const lifetimeMs = 3500

export const useToasts = create<ToastStore>()((set, get) => ({
  toasts: [],
  show: (toast) => {
    const id = nextId++
    // At most 4 on screen: a burst of copies should not bury the table.
    set({ toasts: [...get().toasts.slice(-3), { ...toast, id }] })
    setTimeout(() => get().dismiss(id), toast.kind === 'error' ? lifetimeMs * 2 : lifetimeMs)
  },
  dismiss: (id) => set({ toasts: get().toasts.filter((t) => t.id !== id) }),
}))

export const showToast = (toast: Omit<Toast, 'id'>): void => useToasts.getState().show(toast)
