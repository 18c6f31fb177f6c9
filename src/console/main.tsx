/**
 * The centre's console (管理后台, issue 15), served by the central process at /console/: antd with its zh_CN
 * locale (English at the header's switch), react-router 7 and TanStack Query. antd writes its styles at run time:
 * they carry this page's CSP nonce (from the meta tag the centre fills in), so the page's policy need not allow
 * inline styles. Runs in the browser.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { StrictMode, useMemo } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { ApiError } from './api.js';
import { AuthProvider } from './auth.js';
import { useLanguage } from './i18n.js';
import './messages.js';
import { consoleRouter } from './routes.js';
import { CONSOLE_THEME } from './theme.js';
import './styles.css';

const nonce = document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content;

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A refusal is an answer: retrying a 4xx only repeats it.
      retry: (failures, error) =>
        !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failures < 2,
      refetchOnWindowFocus: false,
      staleTime: 15_000,
    },
  },
});

function Console() {
  const lang = useLanguage();
  const router = useMemo(() => consoleRouter(), []);
  return (
    <ConfigProvider
      locale={lang === 'en' ? enUS : zhCN}
      theme={CONSOLE_THEME}
      // 登录, not 登 录: the words as written (and as a screen reader or a test names the button).
      button={{ autoInsertSpace: false }}
      {...(nonce && nonce !== '__CSP_NONCE__' ? { csp: { nonce } } : {})}
    >
      <AntApp>
        <QueryClientProvider client={queryClient}>
          <AuthProvider>
            <RouterProvider router={router} />
          </AuthProvider>
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Console />
  </StrictMode>,
);
