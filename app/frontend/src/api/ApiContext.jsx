import { createContext, useContext } from 'react';
import { createApiClient } from './client.js';

const defaultClient = createApiClient();
const ApiContext = createContext(defaultClient);

export function ApiProvider({ client = defaultClient, children }) {
  return <ApiContext.Provider value={client}>{children}</ApiContext.Provider>;
}

export function useApi() {
  return useContext(ApiContext);
}
