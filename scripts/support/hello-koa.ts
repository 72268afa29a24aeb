/** The benchmark's ceiling: bare Koa answering "hello" to everything, on PORT and HOST. */
import Koa from 'koa';

const app = new Koa();
app.use((ctx) => {
  ctx.body = 'hello';
});
app.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
