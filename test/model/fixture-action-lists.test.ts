/**
 * The action lists' membership at the edges of the high_value_slipping window
 * and the order the /actions page asks for, on the hand-made brand with five
 * more buyers (test/fixtures/small-brand.ts, slippingBrand), against values
 * worked out by hand. As of 2026-06-30, Asia/Shanghai. A file of its own: one
 * product stack per test process, as everywhere else.
 */
import { describe, expect, it } from 'vitest';
import { migrate } from '../../cube/database/migrate.ts';
import { buildActionListQuery, buildListCountQuery, listCount, type ActionList } from '../../web/src/features/actions/build-queries.ts';
import { useTestStack } from '../helpers/stack.ts';
import { loadDataSet } from '../fixtures/factories.ts';
import { slippingBrand } from '../fixtures/small-brand.ts';

describe('action lists at the edges of the slipping window', () => {
  const ctx = useTestStack('fixture_slipping', {
    prepare: async (db) => {
      await migrate(db.sql);
      await loadDataSet(db.sql, slippingBrand);
    },
  });
  const page = async (list: ActionList) => {
    const answer = await ctx.api.answer({ ...buildActionListQuery({ list, team: null, owner: null }, 1) });
    // The page's total: the list's tab count (stored counts), as the actions page shows it.
    const total = listCount(list, await ctx.api.load({ ...buildListCountQuery(list, { team: null, owner: null }) }));
    return { total, rows: answer.data.map((r) => [r['customer_insights.customer_name'], r['customer_insights.action_reason']]) };
  };

  it('high_value_slipping: 45 and 120 days in, 44 and 121 out, in the business time zone; most value at risk first', async () => {
    // Mean M 3880 / 11 = 352.73. High value: 周七 400 (71 d), 郑九 500 (45 d), 冯十 600 (120 d),
    // 陈十一 700 (121 d: churned), 褚十二 800 (44 d). 张一 and 李二 (300) fall below the mean.
    expect(await page('high_value_slipping')).toEqual({
      total: 3,
      rows: [
        ['冯十', '120 天未购买，累计消费 ¥600.00'],
        ['郑九', '45 天未购买，累计消费 ¥500.00'],
        ['周七', '生日还有 1 天；预约 06-16 未到店；71 天未购买，累计消费 ¥400.00'],
      ],
    });
  });

  it('first_order_follow_up: the oldest first order first, as its window closes first', async () => {
    // 王三's traffic order on 06-01 (29 d), 卫十三's on 06-25 (5 d).
    expect(await page('first_order_follow_up')).toEqual({
      total: 2,
      rows: [['王三', '生日还有 15 天；引流款首单后 29 天'], ['卫十三', '引流款首单后 5 天']],
    });
  });
});
