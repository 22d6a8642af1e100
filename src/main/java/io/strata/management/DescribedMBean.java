package io.strata.management;

import java.lang.reflect.Method;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanParameterInfo;
import javax.management.NotCompliantMBeanException;
import javax.management.StandardMBean;

/** A standard MBean whose descriptions come from {@link Doc} and whose parameter names are the Java ones. */
final class DescribedMBean extends StandardMBean {

    private final Class<?> type;

    <T> DescribedMBean(T implementation, Class<T> type) throws NotCompliantMBeanException {
        super(implementation, type);
        this.type = type;
    }

    @Override
    protected String getDescription(MBeanInfo info) {
        Doc doc = type.getAnnotation(Doc.class);
        return doc == null ? super.getDescription(info) : doc.value();
    }

    @Override
    protected String getDescription(MBeanAttributeInfo info) {
        for (String prefix : new String[] {"get", "is"}) {
            String doc = doc(method(prefix + info.getName()));
            if (doc != null) {
                return doc;
            }
        }
        return super.getDescription(info);
    }

    @Override
    protected String getDescription(MBeanOperationInfo info) {
        String doc = doc(method(info.getName()));
        return doc == null ? super.getDescription(info) : doc;
    }

    @Override
    protected String getParameterName(MBeanOperationInfo op, MBeanParameterInfo param, int sequence) {
        Method m = method(op.getName());
        return m != null && m.getParameters()[sequence].isNamePresent() ? m.getParameters()[sequence].getName()
                : super.getParameterName(op, param, sequence);
    }

    private Method method(String name) {
        for (Method m : type.getMethods()) {
            if (m.getName().equals(name)) {
                return m;
            }
        }
        return null;
    }

    private static String doc(Method m) {
        Doc doc = m == null ? null : m.getAnnotation(Doc.class);
        return doc == null ? null : doc.value();
    }
}
