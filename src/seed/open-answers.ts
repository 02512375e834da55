/**
 * The demo survey's open answers ("anything else you would like to tell us?"): comments written the
 * way customers of a home-appliance and electronics retailer write them, in Chinese and English,
 * chosen by how satisfied the simulated respondent is, so the topics view shows a true picture —
 * delivery and staff praised by the satisfied, prices, repairs and the hotline criticised by the
 * dissatisfied. The pickup lockers opened a month ago: comments about them appear only recently,
 * so they show up as an emerging phrase.
 */

type Pool = { zh: string[]; en: string[] };

const POSITIVE: Pool = {
  zh: [
    "送货很快，下单第二天就到了，安装师傅也很专业。",
    "店员很耐心，帮我对比了好几款冰箱，最后买到了合适的。",
    "客服态度很好，问题一次就解决了。",
    "价格比别家便宜，还送了延保，很划算。",
    "快递包装很结实，电视完好无损。",
    "安装师傅准时上门，走之前还把地面打扫干净了，非常满意。",
    "会员活动优惠力度大，性价比很高，会推荐给朋友。",
    "门店环境干净整洁，体验很好。",
    "退换货流程很方便，没有任何刁难。",
    "产品质量不错，用了半年没出过问题。",
    "小程序下单很顺畅，配送进度一目了然。",
    "售后服务很及时，打电话当天就有人回复。",
  ],
  en: [
    "Delivery was fast and the installer was very professional.",
    "The staff in the store were patient and helped me compare several fridges.",
    "Great value for money, and the extended warranty was free.",
    "The parcel arrived well packed and the TV was in perfect condition.",
    "Customer service sorted out my problem on the first call. Very helpful.",
    "The installer arrived on time and cleaned up before he left.",
    "Good prices during the member sale, I will recommend you to my friends.",
    "Returning the wrong cable was easy, no questions asked.",
    "The washing machine works perfectly, quality feels solid.",
    "Friendly staff and a clean, well organised store.",
    "The app made ordering easy and I could track the delivery.",
    "I will definitely come back again, everything went smoothly.",
  ],
};

const NEGATIVE: Pool = {
  zh: [
    "客服电话一直打不通，等了二十分钟就挂断了，非常失望。",
    "快递晚到了三天，也没有人通知我。",
    "价格太贵了，同样的型号网上便宜好几百。",
    "维修师傅迟到两个小时，态度还很不耐烦。",
    "买的空调用了一个月就坏了，质量太差。",
    "退款拖了三个星期还没到账，客服只会说再等等。",
    "店员态度冷淡，问了几次都没人理。",
    "送货员把冰箱外壳磕坏了，还不给当场退换。",
    "小程序付款总是失败，登录还经常闪退。",
    "涨价以后性价比不高了，下次可能换一家。",
    "安装费比宣传的贵，收费不透明。",
    "投诉了两次都没有处理结果，不会再来了。",
  ],
  en: [
    "I could not get through to the hotline, waited 20 minutes and got cut off.",
    "The delivery was three days late and nobody told me.",
    "Too expensive. The same model is much cheaper online.",
    "The repair technician was two hours late and rude about it.",
    "My air conditioner broke after a month. Poor quality.",
    "Still waiting for my refund after three weeks.",
    "The staff ignored me in the store, I had to ask three times.",
    "The courier damaged the fridge and would not take it back.",
    "The app keeps crashing when I try to pay.",
    "Prices went up and the value is not there any more, I may switch.",
    "I was charged for installation that was advertised as free.",
    "My complaint was never handled properly. I will not buy here again.",
  ],
};

const MIXED: Pool = {
  zh: [
    "产品还可以，但是送货太慢了。",
    "价格合理，不过排队结账等了很久。",
    "东西不错，就是客服回复有点慢。",
    "安装很快，但是发票开错了，又跑了一趟。",
    "整体还行，希望门店多安排几个店员。",
    "质量没问题，价格再便宜一点就更好了。",
  ],
  en: [
    "The product is fine but delivery took too long.",
    "Fair prices, although the checkout queue was long.",
    "Good fridge, but customer service was slow to reply.",
    "Quick installation, but the invoice was wrong and I had to come back.",
    "Overall okay. The store needs more staff at weekends.",
    "Quality is fine, it could be a bit cheaper.",
  ],
};

/** Comments about the pickup lockers that opened 30 days before the demo's "now". */
const PICKUP_LOCKERS: Pool = {
  zh: ["新开的自提柜很方便，下班顺路就取了。", "自提柜经常打不开，取件码输了好几次。", "希望自提柜能多开几个点，现在只有一个。", "自提柜取货很快，比等快递强。"],
  en: ["The new pickup lockers are handy, I collected on my way home.", "The pickup locker would not open, I had to enter the code three times.", "Please add more pickup lockers, there is only one nearby.", "Collecting from the pickup locker was quicker than waiting for a courier."],
};

export const PICKUP_LOCKERS_OPENED_DAYS_AGO = 30;

/**
 * The words of a demo respondent's comment. Who comments is decided by the loyalty simulation
 * (src/domain/simulation/loyalty-answers.ts: the participation indicator counts open answers);
 * this only gives the comment realistic words. `satisfaction` is the overall satisfaction item (1-10).
 */
export function demoOpenAnswer(random: () => number, input: { satisfaction: number; language: "zh-CN" | "en"; daysAgo: number }): string {
  const language = input.language === "en" ? "en" : "zh";
  const pool =
    input.daysAgo < PICKUP_LOCKERS_OPENED_DAYS_AGO && random() < 0.3
      ? PICKUP_LOCKERS
      : input.satisfaction >= 8
        ? POSITIVE
        : input.satisfaction <= 5
          ? NEGATIVE
          : MIXED;
  const texts = pool[language];
  return texts[Math.floor(random() * texts.length)]!;
}
