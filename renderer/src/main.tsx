// The shared stylesheets load before any component's (each component imports its own beside it):
// a component rule then overrides a token, base or control rule of equal specificity.
import './tokens.css'
import './base.css'
import './controls.css'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './components/app'
import { getApi, installApi } from './api/get-api'
import { subscribeToDetails } from './stores/tags'

installApi(getApi())
// Open the event stream now, so no detail row sent while a repository opens can be missed.
subscribeToDetails()

const root = document.getElementById('root')
if (!root) throw new Error('index.html has no #root element')
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
)
