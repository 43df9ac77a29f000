// Contact details, masked in the SQL itself for every role but admin, so no
// response format, granularity, order, filter or error text can reveal them.
// A JS model because the YAML compiler of Cube 0.33 cannot call
// SECURITY_CONTEXT.<key>.unsafeValue(). The role comes from a token the app
// server signs and Cube checks (one of five fixed words), so it is safe to
// inline; anything but 'admin' masks.
cube(`customer_contacts`, {
  sql_table: `siyu.customers`,
  title: `客户联系方式`,
  description: `A customer's phone number, masked for every role but admin.`,
  public: false,

  dimensions: {
    customer_id: {
      sql: `${CUBE}.id`,
      type: `number`,
      primary_key: true,
    },

    phone: {
      title: `手机号`,
      description: `11-digit mobile number; 138****5678 but for admins.`,
      sql: `CASE WHEN '${SECURITY_CONTEXT.role.unsafeValue()}' = 'admin'
              THEN ${CUBE}.phone
              ELSE siyu.mask_phone(${CUBE}.phone) END`,
      type: `string`,
      meta: { dimension: `phone`, pii: true },
    },
  },
});
