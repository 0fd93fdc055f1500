import { createRoot } from 'react-dom/client';
import { ClaimForm } from './ClaimForm.jsx';
import './form.css';

const root = document.getElementById('claim-root');
const proxyUrl = new URL(root.dataset.proxyUrl || 'api', document.baseURI).href.replace(/\/$/, '');
createRoot(root).render(<ClaimForm proxyUrl={proxyUrl} />);
