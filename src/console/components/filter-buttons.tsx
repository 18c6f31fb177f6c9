/** 查询 and 重置 at the end of a list page's filter form (评价记录, 差评工单). Runs in the browser. */
import { SearchOutlined } from '@ant-design/icons';
import { Button, Flex, Form } from 'antd';
import { t } from '../i18n.js';

/** The form's submit button and a reset that clears the fields and calls `onReset`. */
export function FilterButtons({ onReset }: { onReset: () => void }) {
  const form = Form.useFormInstance();
  return (
    <Form.Item>
      <Flex gap={8} justify="flex-end">
        <Button type="primary" htmlType="submit" icon={<SearchOutlined />}>
          {t('common.search')}
        </Button>
        <Button
          onClick={() => {
            form.resetFields();
            onReset();
          }}
        >
          {t('common.reset')}
        </Button>
      </Flex>
    </Form.Item>
  );
}
