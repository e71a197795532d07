// The worker that `createCache` starts when the app does not bring its own.
import { serve } from './index.js';

serve();
